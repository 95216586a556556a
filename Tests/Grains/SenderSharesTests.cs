using OrleansChat.Grains;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Grains;

/// <summary>The room's budget shared among its senders, on a clock the test moves.</summary>
public sealed class SenderSharesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly SenderShares _shares = new(RateLimit.Of(burst: 10, refill: 4), TimeSpan.FromSeconds(10));

    private int Taken(string user, int attempts, DateTimeOffset at) =>
        Enumerable.Range(0, attempts).Count(attempt => _shares.TryTake(user, at, out _));

    [Fact]
    public void ASenderAloneHasTheWholeBudget()
    {
        Assert.Equal(10, Taken("mallory", 50, Start));
        Assert.Equal(4, Taken("mallory", 50, Start.AddSeconds(1)));
    }

    [Fact]
    public void WhileAnotherSendsAFloodingSenderGetsOnlyItsShareAndTheOtherStillGetsThrough()
    {
        _shares.TryTake("ana", Start, out _);

        var flood = Taken("mallory", 50, Start);
        var floodNextSecond = Taken("mallory", 50, Start.AddSeconds(1));
        var ana = Taken("ana", 3, Start.AddSeconds(1));

        Assert.Equal(5, flood);
        Assert.Equal(2, floodNextSecond);
        Assert.Equal(3, ana);
    }

    [Fact]
    public void ARefusalSaysWhenTheShareHasAMessageAgainAndASenderWhoStoppedIsForgotten()
    {
        _shares.TryTake("ana", Start, out _);
        Taken("mallory", 5, Start);

        Assert.False(_shares.TryTake("mallory", Start, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(0.5), retryAfter);
        Assert.Equal(10, Taken("mallory", 50, Start.AddSeconds(30)));
    }
}
