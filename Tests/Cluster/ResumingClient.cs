using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Cluster;

/// <summary>
/// A chat user as the page behaves: when its connection is lost it connects to another instance, joins
/// again with <c>since</c> = the last seq it has, and resends an unacknowledged message with the same client
/// message id. It keeps everything it saw, so a test can check for gaps and duplicates across reconnects.
/// </summary>
public sealed class ResumingClient(string room, string user) : IAsyncDisposable
{
    private readonly List<ChatTestClient> _connections = [];
    private readonly List<ChatMessage> _seen = [];

    public ChatTestClient First => _connections[0];

    public ChatTestClient Current => _connections[^1];

    /// <summary>Every message this user has seen, from join results and live, in the order seen.</summary>
    public IReadOnlyList<ChatMessage> Seen => [.. _seen, .. Current.Messages.Items];

    public List<ChatMessage> Acknowledged { get; } = [];

    public long LastSeq => Seen.Select(m => m.Seq).DefaultIfEmpty(0).Max();

    public async Task ConnectAsync(Uri server, bool reconnect = false)
    {
        long? since = _connections.Count == 0 ? null : LastSeq;
        if (_connections.Count > 0)
        {
            // A lost connection's calls fail before it raises Reconnecting or Closed; stopping it in between
            // would hide whether the server allowed a reconnect, so its own report comes first.
            await Current.Lifecycle.WaitUntilAsync(events => events.Count > 0, $"{user}'s lost connection to report how it ended");
            await Current.Connection.StopAsync(); // no more reconnect attempts to the instance that went away
            _seen.AddRange(Current.Messages.Items);
        }

        var connection = await ChatTestClient.ConnectAsync(server, reconnect);
        _connections.Add(connection);
        var joined = await UntilAnsweredAsync(() => connection.JoinAsync(room, user, since), $"{user} joining {room} again");
        _seen.AddRange(joined.Messages);
    }

    /// <summary>Retries a call the server failed without naming a rule, while the room moves to a live silo.</summary>
    private static async Task<T> UntilAnsweredAsync<T>(Func<Task<T>> call, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (HubException error) when (!IsRule(error) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200)); // back off; the room is unreachable until its silo is declared dead
            }
            catch (HubException error) when (!IsRule(error))
            {
                throw new TimeoutException($"{what} failed for 60 s", error);
            }
        }
    }

    /// <summary>
    /// Sends until acknowledged, as the page does: a failure the server reports as a rule is final; a "busy"
    /// refusal (the room's silo is gone and the send timed out) and any other failure are retried with the
    /// same client message id (the room answers a retry of a stored message with it).
    /// </summary>
    public async Task<ChatMessage> SendAsync(string text, string clientMessageId, Func<Task> onConnectionLost, TimeSpan giveUpAfter)
    {
        var deadline = DateTime.UtcNow + giveUpAfter;
        while (true)
        {
            try
            {
                var message = await Current.SendAsync(room, text, clientMessageId);
                Acknowledged.Add(message);
                return message;
            }
            catch (Exception error) when (!IsRule(error))
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException($"{user} could not send '{text}' within {giveUpAfter.TotalSeconds:0} s", error);
                }

                if (Current.Connection.State != HubConnectionState.Connected)
                {
                    await onConnectionLost();
                }
                else
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200)); // back off while the room moves to a live silo
                }
            }
        }
    }

    private static bool IsRule(Exception error) =>
        error is HubException hub && hub.Message.Contains("HubException: ", StringComparison.Ordinal)
        && !hub.Message.Contains("HubException: busy: ", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
