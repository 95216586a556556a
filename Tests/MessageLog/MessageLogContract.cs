using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.MessageLog;

/// <summary>What every <see cref="IMessageLog"/> promises, run against each implementation.</summary>
public abstract class MessageLogContract
{
    protected abstract IMessageLog Log { get; }

    protected static List<ChatMessage> Messages(string room, long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ChatMessage(room, from + i, $"id-{from + i}", "ana", $"text {from + i}", DateTimeOffset.UnixEpoch.AddSeconds(from + i)))];

    [Fact]
    public async Task ARoomThatNeverStoredAMessageEndsAtSeqZeroUnderAnEpochThatStays()
    {
        var room = Rooms.Fresh("log-empty");
        var tail = await Log.ReadTailAsync(room, 10);
        await Log.AppendAsync(room, 0, Messages(room, 1, 1), retain: 10);
        var again = await Log.ReadTailAsync(room, 10);

        Assert.Equal(0, tail.LastSeq);
        Assert.Empty(tail.Messages);
        Assert.False(string.IsNullOrEmpty(tail.Epoch));
        Assert.Equal(tail.Epoch, again.Epoch);
        Assert.NotEqual(tail.Epoch, (await Log.ReadTailAsync(Rooms.Fresh("log-empty-other"), 10)).Epoch);
    }

    [Fact]
    public async Task ReplacingATailMakesTheLogHoldExactlyItAndAppendsContinueFromIt()
    {
        var room = Rooms.Fresh("log-replace");
        await Log.AppendAsync(room, 0, Messages(room, 1, 5), retain: 10);

        await Log.ReplaceAsync(room, new MessageLogTail("restored-epoch", 42, Messages(room, 41, 2)));
        await Log.AppendAsync(room, 42, Messages(room, 43, 1), retain: 10);
        var tail = await Log.ReadTailAsync(room, 10);

        Assert.Equal("restored-epoch", tail.Epoch);
        Assert.Equal(43, tail.LastSeq);
        Assert.Equal([41L, 42, 43], tail.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task AppendedBatchesAreReadBackInSeqOrderUpToTheRetainedWindow()
    {
        var room = Rooms.Fresh("log-order");
        await Log.AppendAsync(room, 0, Messages(room, 1, 3), retain: 5);
        await Log.AppendAsync(room, 3, Messages(room, 4, 4), retain: 5);

        var tail = await Log.ReadTailAsync(room, 10);
        var newest = await Log.ReadTailAsync(room, 2);

        Assert.Equal(7, tail.LastSeq);
        Assert.Equal([3L, 4, 5, 6, 7], tail.Messages.Select(m => m.Seq));
        Assert.Equal(Messages(room, 3, 5), tail.Messages);
        Assert.Equal([6L, 7], newest.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task AnAppendThatDoesNotContinueTheLogIsRefusedAndStoresNothing()
    {
        var room = Rooms.Fresh("log-conflict");
        await Log.AppendAsync(room, 0, Messages(room, 1, 2), retain: 10);

        var stale = await Assert.ThrowsAsync<MessageLogConflictException>(() => Log.AppendAsync(room, 1, Messages(room, 2, 2), retain: 10));
        var tail = await Log.ReadTailAsync(room, 10);

        Assert.Equal(2, stale.ActualLastSeq);
        Assert.Equal(2, tail.LastSeq);
        Assert.Equal(Messages(room, 1, 2), tail.Messages);
    }
}
