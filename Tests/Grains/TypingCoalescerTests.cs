using OrleansChat.Grains;

namespace OrleansChat.Tests.Grains;

public sealed class TypingCoalescerTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch;
    private readonly TypingCoalescer _typing = new(TimeSpan.FromSeconds(2.5));

    [Fact]
    public void AFloodFromOneUserIsOneNoticePerInterval()
    {
        var relayed = Enumerable.Range(0, 100).Count(i => _typing.ShouldRelay("ana", Start.AddMilliseconds(i * 50)));

        Assert.Equal(2, relayed); // at 0 ms and at 2,500 ms of the 5 s flood
    }

    [Fact]
    public void APageSendingEveryThreeSecondsLosesNone()
    {
        Assert.All(Enumerable.Range(0, 10), i => Assert.True(_typing.ShouldRelay("ana", Start.AddSeconds(3 * i))));
    }

    [Fact]
    public void OneUsersFloodDoesNotSilenceAnother()
    {
        _typing.ShouldRelay("ana", Start);
        _typing.ShouldRelay("ana", Start.AddMilliseconds(10));

        Assert.True(_typing.ShouldRelay("bo", Start.AddMilliseconds(20)));
    }

    [Fact]
    public void AMessageEndsTheIntervalSoTheNextKeystrokeIsAnnouncedAtOnce()
    {
        _typing.ShouldRelay("ana", Start);
        _typing.Sent("ana");

        Assert.True(_typing.ShouldRelay("ana", Start.AddMilliseconds(500)));
    }
}
