using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace OrleansChat.WebFront;

/// <summary>
/// Ends each connection before <see cref="RelayOptions.MaxConnectionLifetime"/> with a close that lets
/// the client reconnect, at a random point in the last tenth of the span so that clients connected
/// together do not all reconnect together. The client resumes with <c>since</c>, so nothing is missed.
/// </summary>
public sealed class ConnectionLifetime(IOptions<RelayOptions> options, TimeProvider time)
{
    public void Limit(HubCallerContext context)
    {
        if (context.Features.Get<IConnectionLifetimeNotificationFeature>() is not { } lifetime)
        {
            return;
        }

        var max = options.Value.MaxConnectionLifetime;
        var after = max * (0.9 + 0.1 * Random.Shared.NextDouble());
        var timer = time.CreateTimer(_ => lifetime.RequestClose(), null, after, Timeout.InfiniteTimeSpan);
        context.ConnectionAborted.Register(() => timer.Dispose());
    }
}
