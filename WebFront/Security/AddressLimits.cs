using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace OrleansChat.WebFront.Security;

/// <summary>
/// Per client address: how many hub connections may be open at once (a lease held while the WebSocket
/// lasts) and how many may be opened per period. Other requests are not limited. An IPv6 client is keyed on
/// its /64 prefix, the block one subscriber gets, so rotating addresses inside it does not escape the limits.
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

    private static string Address(HttpContext context) => KeyOf(context.Connection.RemoteIpAddress);

    /// <summary>The address an IPv4 client limits on, or the /64 prefix of an IPv6 one.</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
