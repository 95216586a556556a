using OrleansChat.Grains;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Grains;

public sealed class RecentMessageIdsTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch;

    private static ChatMessage Message(long seq, DateTimeOffset at) => new("room", seq, $"id-{seq}", "ana", "text", at);

    [Fact]
    public void AnIdIsFoundUntilItsRetentionIsOver()
    {
        var ids = new RecentMessageIds(TimeSpan.FromMinutes(10), capacity: 100, window: 1);
        ids.Add(Message(1, Start), Start);

        ids.Add(Message(2, Start.AddMinutes(9)), Start.AddMinutes(9));
        Assert.Equal(1, ids.Find("id-1")?.Seq);

        ids.Add(Message(3, Start.AddMinutes(11)), Start.AddMinutes(11));
        Assert.Null(ids.Find("id-1"));
        Assert.Equal(2, ids.Find("id-2")?.Seq);
    }

    [Fact]
    public void AtCapacityTheOldestIdsGoFirst()
    {
        var ids = new RecentMessageIds(TimeSpan.FromMinutes(10), capacity: 3, window: 1);
        for (var seq = 1; seq <= 5; seq++)
        {
            ids.Add(Message(seq, Start), Start);
        }

        Assert.Equal(3, ids.Count);
        Assert.Null(ids.Find("id-2"));
        Assert.Equal(3, ids.Find("id-3")?.Seq);
    }

    [Fact]
    public void IdsInTheHistoryWindowAreKeptPastTheirRetention()
    {
        var ids = new RecentMessageIds(TimeSpan.FromMinutes(10), capacity: 100, window: 2);
        ids.Add(Message(1, Start), Start);
        ids.Add(Message(2, Start), Start);

        ids.Add(Message(3, Start.AddHours(1)), Start.AddHours(1));

        Assert.Null(ids.Find("id-1"));
        Assert.Equal(2, ids.Find("id-2")?.Seq);
    }
}
