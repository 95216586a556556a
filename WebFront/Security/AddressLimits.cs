using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace OrleansChat.WebFront.Security;

/// <summary>
/// Per client address: how many hub connections may be open at once (a lease held while the WebSocket
/// lasts) and how many may be opened per period. Other requests are not limited.
/// </summary>
public static class AddressLimits
{
    public static void Configure(RateLimiterOptions options, LimitsOptions limits)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(context => IsHub(context)
                ? RateLimitPartition.GetConcurrencyLimiter(Address(context), _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = limits.ConnectionsPerAddress,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("")),
            PartitionedRateLimiter.Create<HttpContext, string>(context => IsHub(context)
                ? RateLimitPartition.GetTokenBucketLimiter(Address(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.NewConnectionsPerAddress.Burst,
                    TokensPerPeriod = limits.NewConnectionsPerAddress.Refill,
                    ReplenishmentPeriod = limits.NewConnectionsPerAddress.RefillPeriod,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("")));
        options.OnRejected = (context, cancellationToken) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return new ValueTask(context.HttpContext.Response.WriteAsync(
                $"connections: one address may hold {limits.ConnectionsPerAddress} chat connections and open " +
                $"{limits.NewConnectionsPerAddress.Describe("new ones")}; try again shortly", cancellationToken));
        };
    }

    private static bool IsHub(HttpContext context) => context.Request.Path.StartsWithSegments(WebFrontExtensions.HubPath);

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
