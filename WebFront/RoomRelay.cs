using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.WebFront;

/// <summary>
/// Relays room streams to this process's SignalR connections: a room is subscribed while at least one
/// local connection is in it and unsubscribed when the last one leaves. Each connection gets every
/// message after its join snapshot exactly once, in seq order (see <see cref="RoomFeed"/>).
/// </summary>
public sealed class RoomRelay(IClusterClient client, IHubContext<ChatHub> hub, ILogger<RoomRelay> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, RoomFeed> _feeds = new(StringComparer.Ordinal);

    /// <summary>The rooms this process is subscribed to.</summary>
    public IReadOnlyCollection<string> Rooms => [.. _feeds.Keys];

    /// <summary>Subscribes to the room if needed and starts keeping its events for the joining connection.</summary>
    public async Task AttachAsync(string room, string connectionId)
    {
        while (true)
        {
            var feed = _feeds.GetOrAdd(room, r => new RoomFeed(r, client, hub, logger));
            if (await feed.AttachAsync(connectionId))
            {
                return;
            }

            // The feed closed between lookup and attach: drop it and make a new one.
            _feeds.TryRemove(KeyValuePair.Create(room, feed));
        }
    }

    /// <summary>Starts live delivery to a connection whose join snapshot ended at <paramref name="lastSeq"/>.</summary>
    public void Activate(string room, string connectionId, long lastSeq)
    {
        if (_feeds.TryGetValue(room, out var feed))
        {
            feed.Activate(connectionId, lastSeq);
        }
    }

    /// <summary>
    /// Delivers a message this process has just had acknowledged, so local members need not wait for the
    /// stream; the stream's copy is then recognized as a duplicate.
    /// </summary>
    public void Deliver(ChatMessage message)
    {
        if (_feeds.TryGetValue(message.Room, out var feed))
        {
            feed.Deliver(RoomEvent.Of(message));
        }
    }

    public async Task DetachAsync(string room, string connectionId)
    {
        if (_feeds.TryGetValue(room, out var feed) && await feed.DetachAsync(connectionId))
        {
            _feeds.TryRemove(KeyValuePair.Create(room, feed));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Unsubscribing leaves no subscriptions pointing at this process in a durable pub/sub store.
        await Task.WhenAll(_feeds.Values.Select(feed => feed.StopAsync()));
        _feeds.Clear();
    }
}
