using Microsoft.Extensions.Options;
using OrleansChat.Grains.Abstractions;
using OrleansChat.WebFront.Relay;
using OrleansChat.WebFront.Security;

namespace OrleansChat.WebFront.Hubs;

/// <summary>
/// Whether this process takes another message now. Past its capacity a process that keeps accepting only
/// makes every answer later and never catches up, so it refuses at once instead, with a "busy" error the
/// page retries after a backoff: when <see cref="LimitsOptions.MaxSendsInFlight"/> sends await their room,
/// or when the relay holds <see cref="LimitsOptions.MaxRelayBacklog"/> writes to clients not yet made.
/// A send that was taken is answered within <see cref="LimitsOptions.SendTimeout"/>, acknowledged or refused:
/// that includes its wait behind the same connection's earlier sends, which go to their rooms one at a time
/// and in order, at most <see cref="LimitsOptions.MaxWaitingSendsPerConnection"/> of them waiting
/// (<see cref="ConnectionSends"/>), so no queue of sends can form where no bound sees it.
/// </summary>
public sealed class SendAdmission(RoomRelay relay, IOptions<LimitsOptions> limits)
{
    private int _inFlight;

    private static TimeSpan Remaining(long deadline) => TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));

    /// <summary>Sends the message through <paramref name="send"/> if the process has room for it; refuses it as busy otherwise.</summary>
    public async Task<ChatMessage> SendAsync(ConnectionSends connection, string room, Func<Task<ChatMessage>> send)
    {
        var options = limits.Value;
        var deadline = Environment.TickCount64 + (long)options.SendTimeout.TotalMilliseconds;
        if (relay.Backlog > options.MaxRelayBacklog)
        {
            throw new ChatRuleException($"busy: this server has {relay.Backlog} deliveries waiting; retry in a moment");
        }

        if (Interlocked.Increment(ref _inFlight) > options.MaxSendsInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            throw new ChatRuleException($"busy: this server has {options.MaxSendsInFlight} messages waiting to be stored; retry in a moment");
        }

        try
        {
            if (!await connection.EnterAsync(Remaining(deadline)))
            {
                throw new ChatRuleException("busy: this connection's earlier messages are still being stored; retry in a moment");
            }

            try
            {
                return await send().WaitAsync(Remaining(deadline));
            }
            catch (TimeoutException)
            {
                // The room may still store it; a retry with the same clientMessageId then returns the original.
                throw new ChatRuleException($"busy: room '{room}' did not store the message within {options.SendTimeout.TotalSeconds:0.#} s; retry with the same clientMessageId");
            }
            finally
            {
                connection.Exit();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
