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
    public async Task ARoomThatNeverStoredAMessageEndsAtSeqZero()
    {
        var tail = await Log.ReadTailAsync(Rooms.Fresh("log-empty"), 10);

        Assert.Equal(0, tail.LastSeq);
        Assert.Empty(tail.Messages);
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
