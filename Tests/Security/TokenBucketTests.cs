using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Security;

public sealed class TokenBucketTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;

        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    [Fact]
    public void ABucketGivesItsBurstThenRefillsFromTheClockUpToTheBurstAndSaysHowLongToWait()
    {
        var time = new ManualTime();
        var bucket = new TokenBucket(RateLimit.Of(burst: 3, refill: 2), time);

        var burst = Enumerable.Range(0, 3).Select(i => bucket.TryTake(out _)).ToList();
        var empty = bucket.TryTake(out var wait);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var refilled = bucket.TryTake(out _);
        time.Advance(TimeSpan.FromHours(1));
        var afterIdle = Enumerable.Range(0, 4).Select(i => bucket.TryTake(out _)).ToList();

        Assert.Equal([true, true, true], burst);
        Assert.False(empty);
        Assert.Equal(TimeSpan.FromMilliseconds(500), wait);
        Assert.True(refilled);
        Assert.Equal([true, true, true, false], afterIdle);
    }
}
