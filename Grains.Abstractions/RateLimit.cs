using System.Threading.RateLimiting;

namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// A token bucket as configuration: up to <see cref="Burst"/> at once, refilled by <see cref="Refill"/>
/// every <see cref="RefillPeriod"/>.
/// </summary>
public sealed class RateLimit
{
    public int Burst { get; set; }

    public int Refill { get; set; }

    public TimeSpan RefillPeriod { get; set; } = TimeSpan.FromSeconds(1);

    public static RateLimit Of(int burst, int refill) => new() { Burst = burst, Refill = refill };

    public TokenBucketRateLimiter CreateLimiter() => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Burst,
        TokensPerPeriod = Refill,
        ReplenishmentPeriod = RefillPeriod,
        AutoReplenishment = true,
        QueueLimit = 0,
    });

    /// <summary>Words for an error message: "10 messages at once and 5 more per second".</summary>
    public string Describe(string things) => RefillPeriod == TimeSpan.FromSeconds(1)
        ? $"{Burst} {things} at once and {Refill} more per second"
        : $"{Burst} {things} at once and {Refill} more per {RefillPeriod:c}";

    /// <summary>
    /// The end of a <c>rate:</c> refusal, for people and for programs: "retry in 1 s (retryAfterMs=200)"
    /// (docs/protocol.md).
    /// </summary>
    public static string RetryIn(TimeSpan wait) =>
        $"retry in {Math.Max(1, Math.Ceiling(wait.TotalSeconds))} s (retryAfterMs={(long)Math.Ceiling(wait.TotalMilliseconds)})";

    /// <summary>Problems with the values, named after <paramref name="name"/>; empty when valid.</summary>
    public IEnumerable<string> Check(string name)
    {
        if (Burst < 1) yield return $"{name}:{nameof(Burst)} must be at least 1, not {Burst}.";
        if (Refill < 1 || Refill > Burst) yield return $"{name}:{nameof(Refill)} must be 1 to {nameof(Burst)}, not {Refill}.";
        if (RefillPeriod <= TimeSpan.Zero) yield return $"{name}:{nameof(RefillPeriod)} must be positive, not {RefillPeriod}.";
    }
}
