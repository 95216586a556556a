using OrleansChat.Grains;

namespace OrleansChat.Tests.Grains;

public sealed class DepartureGraceTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch;
    private readonly DepartureGrace _grace = new(TimeSpan.FromSeconds(15));

    [Fact]
    public void AUserWhoComesBackWithinTheGraceIsAnnouncedNeitherAsLeftNorAsJoined()
    {
        _grace.Left("ana", Start);

        Assert.Equal(["ana"], _grace.Lingering);
        Assert.True(_grace.Returned("ana"));
        Assert.Empty(_grace.Due(Start.AddMinutes(1)));
        Assert.False(_grace.Returned("ana")); // a later join is a real one
    }

    [Fact]
    public void AUserWhoDoesNotComeBackIsDueWhenTheGraceEndsOnceInTheOrderTheyLeft()
    {
        _grace.Left("bo", Start);
        _grace.Left("ana", Start.AddSeconds(5));
        _grace.Left("bo", Start.AddSeconds(10)); // still the first departure that counts

        Assert.Empty(_grace.Due(Start.AddSeconds(14)));
        Assert.Equal(["bo"], _grace.Due(Start.AddSeconds(15)));
        Assert.Equal(["ana"], _grace.Lingering);
        Assert.Equal(["ana"], _grace.Due(Start.AddSeconds(20)));
        Assert.Empty(_grace.Lingering);
    }

    [Fact]
    public void EveryoneWaitingIsDueAtOnceWhenTheRoomGoesAway()
    {
        _grace.Left("bo", Start);
        _grace.Left("ana", Start.AddSeconds(1));

        Assert.Equal(["bo", "ana"], _grace.All());
        Assert.Empty(_grace.Due(Start.AddHours(1)));
    }
}
