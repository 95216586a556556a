using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat.WebFront.Relay;

namespace OrleansChat.WebFront.Hubs;

/// <summary>
/// Ends connections the way that tells clients to come back: a SignalR close with "reconnect allowed".
/// Each connection is ended before <see cref="RelayOptions.MaxConnectionLifetime"/>, at a random point in
/// the last tenth of the span so clients connected together do not reconnect together; and every
/// connection is ended as soon as the process starts stopping, so clients move to another instance at
/// once. Clients resume with <c>since</c>, so nothing is missed.
/// </summary>
public sealed class ConnectionLifetime
{
    private readonly ConcurrentDictionary<string, (IConnectionLifetimeNotificationFeature Lifetime, ITimer Timer)> _open = new();
    private readonly IOptions<RelayOptions> _options;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    public ConnectionLifetime(IOptions<RelayOptions> options, TimeProvider time, IHostApplicationLifetime host)
    {
        (_options, _time) = (options, time);
        host.ApplicationStopping.Register(CloseAll);
    }

    public void Track(HubCallerContext context)
    {
        if (context.Features.Get<IConnectionLifetimeNotificationFeature>() is not { } lifetime)
        {
            return;
        }

        var after = _options.Value.MaxConnectionLifetime * (0.9 + 0.1 * Random.Shared.NextDouble());
        _open[context.ConnectionId] = (lifetime, _time.CreateTimer(_ => lifetime.RequestClose(), null, after, Timeout.InfiniteTimeSpan));
    }

    /// <summary>
    /// A connection has ended. SignalR calls the hub's OnDisconnectedAsync only after it wrote the close
    /// message, so from here on the client knows whether it may reconnect.
    /// </summary>
    public void Ended(string connectionId)
    {
        if (_open.TryRemove(connectionId, out var entry))
        {
            entry.Timer.Dispose();
        }

        if (_stopping && _open.IsEmpty)
        {
            _drained.TrySetResult();
        }
    }

    private void CloseAll()
    {
        _stopping = true;
        foreach (var (lifetime, _) in _open.Values)
        {
            lifetime.RequestClose();
        }

        // SignalR's own stopping handler, which runs after this one, drops connections without a close
        // message; holding it back briefly lets every client read that it may reconnect.
        if (!_open.IsEmpty)
        {
            _drained.Task.Wait(TimeSpan.FromSeconds(2));
        }
    }
}
