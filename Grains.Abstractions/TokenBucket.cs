namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// A token bucket for <see cref="RateLimit"/>, refilled from the clock when it is used rather than by a
/// timer, so the thousands of buckets of idle connections cost nothing between their calls.
/// </summary>
public sealed class TokenBucket(RateLimit limit, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens = limit.Burst;
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes one token; when there is none, false and how long until there is one.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(limit.Burst, _tokens + time.GetElapsedTime(_refilledAt, now) / limit.RefillPeriod * limit.Refill);
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = limit.RefillPeriod * ((1 - _tokens) / limit.Refill);
            return false;
        }
    }
}
