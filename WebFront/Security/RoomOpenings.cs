using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.WebFront.Security;

/// <summary>
/// Per client address (an IPv6 client on its /64, <see cref="AddressLimits.KeyOf"/>), how many rooms its
/// connections may open on this instance: joins that find a room with nobody in it and no messages. Joins
/// of rooms in use are not counted, so a crowd behind one address rejoining after a deploy is not refused.
/// The buckets of addresses that went quiet are dropped by the limiter.
/// </summary>
public sealed class RoomOpenings : IDisposable
{
    private readonly RateLimit _limit;
    private readonly PartitionedRateLimiter<string> _limiter;

    public RoomOpenings(IOptions<LimitsOptions> options)
    {
        _limit = options.Value.NewRoomsPerAddress;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = _limit.Burst,
            TokensPerPeriod = _limit.Refill,
            ReplenishmentPeriod = _limit.RefillPeriod,
            QueueLimit = 0,
        }));
    }

    /// <summary>Counts a room opened from <paramref name="address"/>; throws a <c>rate:</c> refusal when its budget is spent.</summary>
    public void Admit(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(AddressLimits.KeyOf(address));
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _limit.RefillPeriod;
            throw new ChatRuleException($"rate: one address may open {_limit.Describe("new rooms")}; join a room in use, or {RateLimit.RetryIn(retryAfter)}");
        }
    }

    public void Dispose() => _limiter.Dispose();
}
