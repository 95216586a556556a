using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Abstractions;
using OrleansChat.WebFront.Hubs;

namespace OrleansChat.WebFront.Relay;

/// <summary>
/// Relays room streams to this process's SignalR connections: a room is subscribed while at least one
/// local connection is in it and unsubscribed when the last one leaves. Each connection gets every
/// message after its join snapshot exactly once, in seq order (see <see cref="RoomFeed"/>). Every
/// <c>Relay:PresenceRenewalPeriod</c> the relay renews its connections' presence in each room and checks
/// that no room's stream has fallen silent.
/// </summary>
public sealed class RoomRelay : BackgroundService
{
    private readonly ConcurrentDictionary<string, RoomFeed> _feeds = new(StringComparer.Ordinal);
    private readonly IClusterClient _client;
    private readonly ClientConnections _connections;
    private readonly ChatMetrics _metrics;
    private readonly IOptions<RelayOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RoomRelay> _logger;

    public RoomRelay(IClusterClient client, ClientConnections connections, ChatMetrics metrics, IOptions<RelayOptions> options, TimeProvider time, ILogger<RoomRelay> logger)
    {
        (_client, _connections, _metrics, _options, _time, _logger) = (client, connections, metrics, options, time, logger);
        metrics.ObserveActiveRooms(() => _feeds.Count);
    }

    /// <summary>Writes to this process's connections that the room feeds hold and have not made yet.</summary>
    public long Backlog => Interlocked.Read(ref _backlog.Count);

    private readonly RelayBacklog _backlog = new();

    /// <summary>How long stopping waits for one room to take its presence back.</summary>
    public static readonly TimeSpan StopCallLimit = TimeSpan.FromSeconds(2);

    /// <summary>Names this process's relay in the rooms' presence leases; new with every start.</summary>
    public string RelayId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Subscribes to the room if needed and starts keeping its events for the joining connection.</summary>
    public async Task AttachAsync(string room, string connectionId, string user)
    {
        while (true)
        {
            var feed = _feeds.GetOrAdd(room, r => new RoomFeed(r, _client, _connections, _metrics, _backlog, _options.Value.GapWait, _logger));
            if (await feed.AttachAsync(connectionId, user))
            {
                return;
            }

            // The feed closed between lookup and attach: drop it and make a new one.
            _feeds.TryRemove(KeyValuePair.Create(room, feed));
        }
    }

    /// <summary>Starts live delivery to a connection whose join snapshot ended at <paramref name="lastSeq"/> of <paramref name="epoch"/>.</summary>
    public void Activate(string room, string connectionId, long lastSeq, string epoch)
    {
        if (_feeds.TryGetValue(room, out var feed))
        {
            feed.Activate(connectionId, lastSeq, epoch);
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

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Hand presence back at once instead of leaving it to lease expiry, and leave no subscription
        // pointing at this process in a durable pub/sub store: all rooms at once, each call bounded, so a
        // room on a frozen silo or an unreachable Redis cannot carry the stop past Cloud Run's 10 s (the
        // leases then run out instead).
        await Task.WhenAll(_feeds.Values.Select(async feed =>
        {
            try
            {
                await feed.StopAsync(RelayId).WaitAsync(StopCallLimit, cancellationToken);
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "A room feed did not stop cleanly");
            }
        }));
        _feeds.Clear();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.PresenceRenewalPeriod, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await Task.WhenAll(_feeds.Select(feed => RenewAsync(feed.Key, feed.Value)));
        }
    }

    private async Task RenewAsync(string room, RoomFeed feed)
    {
        try
        {
            // One room whose silo just died must not hold up the renewals of all the others.
            if (await feed.RenewAsync(RelayId).WaitAsync(_options.Value.PresenceRenewalPeriod))
            {
                _feeds.TryRemove(KeyValuePair.Create(room, feed));
            }
        }
        catch (Exception exception)
        {
            _logger.LogWarning(exception, "Could not renew presence in a room; retrying at the next renewal");
        }
    }
}
