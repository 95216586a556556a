using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.WebFront.Security;

namespace OrleansChat.WebFront.Hubs;

/// <summary>
/// The hub's connections, for the relay to write to directly: each event is serialized once and written
/// to every recipient without waiting for any of them, so a client that stops reading never holds up a
/// room. Writes a client has not taken yet are counted; past
/// <see cref="LimitsOptions.MaxPendingMessagesPerConnection"/> the connection is dropped, so a stuck
/// client costs a bounded amount of memory.
/// </summary>
public sealed class ClientConnections(
    IOptions<LimitsOptions> limits,
    ILogger<ClientConnections> logger,
    ILogger<DefaultHubLifetimeManager<ChatHub>> baseLogger) : DefaultHubLifetimeManager<ChatHub>(baseLogger)
{
    private readonly ConcurrentDictionary<string, Outbox> _outboxes = new(StringComparer.Ordinal);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _outboxes[connection.ConnectionId] = new Outbox(connection, limits.Value.MaxPendingMessagesPerConnection, logger);
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _outboxes.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }

    /// <summary>How many connections are open.</summary>
    public int OpenCount => _outboxes.Count;

    /// <summary>Whether the connection is still open (SignalR forgets it only after the hub's disconnect handler ran).</summary>
    public bool IsOpen(string connectionId) => _outboxes.ContainsKey(connectionId);

    /// <summary>Calls <paramref name="method"/> on each connection still open; returns how many it was written to.</summary>
    public int Send(IEnumerable<string> connectionIds, string method, object argument)
    {
        var message = new SerializedHubMessage(new InvocationMessage(method, [argument]));
        var written = 0;
        foreach (var connectionId in connectionIds)
        {
            if (_outboxes.TryGetValue(connectionId, out var outbox))
            {
                outbox.Write(message);
                written++;
            }
        }

        return written;
    }

    private sealed class Outbox(HubConnectionContext connection, int maxPending, ILogger logger)
    {
        private int _pending;

        public void Write(SerializedHubMessage message)
        {
            // Writes to one connection keep their order: SignalR queues them behind its write lock in turn.
            var write = connection.WriteAsync(message);
            if (write.IsCompletedSuccessfully)
            {
                return;
            }

            if (Interlocked.Increment(ref _pending) > maxPending)
            {
                logger.LogWarning("Dropping connection {ConnectionId}: it has not read {Count} messages", connection.ConnectionId, maxPending);
                connection.Abort();
            }

            _ = CompleteAsync(write);
        }

        private async Task CompleteAsync(ValueTask write)
        {
            try
            {
                await write;
            }
            catch (Exception)
            {
                // The connection is going away; SignalR reports that through OnDisconnectedAsync.
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}
