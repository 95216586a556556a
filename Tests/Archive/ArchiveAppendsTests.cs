using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.Archive;
using OrleansChat.Grains.MessageLog;

namespace OrleansChat.Tests.Archive;

/// <summary>The archive's group commit across rooms, with a writer the test holds and releases.</summary>
public sealed class ArchiveAppendsTests
{
    private readonly List<List<ArchiveAppend>> _writes = [];
    private readonly Queue<TaskCompletionSource<IReadOnlyDictionary<string, long>>> _answers = new();
    private readonly SemaphoreSlim _written = new(0);
    private readonly ArchiveAppends _appends;

    public ArchiveAppendsTests() => _appends = new ArchiveAppends(appends =>
    {
        var answer = new TaskCompletionSource<IReadOnlyDictionary<string, long>>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_writes)
        {
            _writes.Add([.. appends]);
            _answers.Enqueue(answer);
        }

        _written.Release();
        return answer.Task;
    });

    private static List<ChatMessage> Batch(string room, long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ChatMessage(room, from + i, $"id-{from + i}", "ana", "text", DateTimeOffset.UnixEpoch))];

    private async Task<List<ArchiveAppend>> NextWriteAsync()
    {
        Assert.True(await _written.WaitAsync(TimeSpan.FromSeconds(10)), "no write began");
        lock (_writes)
        {
            return _writes[^1];
        }
    }

    private void Answer(IReadOnlyDictionary<string, long>? conflicts = null, Exception? failure = null)
    {
        TaskCompletionSource<IReadOnlyDictionary<string, long>> answer;
        lock (_writes)
        {
            answer = _answers.Dequeue();
        }

        if (failure is null)
        {
            answer.SetResult(conflicts ?? new Dictionary<string, long>());
        }
        else
        {
            answer.SetException(failure);
        }
    }

    [Fact]
    public async Task BatchesOfRoomsThatArriveDuringAWriteGoTogetherIntoTheNextOne()
    {
        var first = _appends.AppendAsync("a", 0, Batch("a", 1, 2));
        Assert.Equal(["a"], (await NextWriteAsync()).Select(w => w.Room));

        var b = _appends.AppendAsync("b", 0, Batch("b", 1, 1));
        var c = _appends.AppendAsync("c", 4, Batch("c", 5, 3));
        Answer();
        await first;
        var second = await NextWriteAsync();
        Answer();
        await Task.WhenAll(b, c);

        Assert.Equal(["b", "c"], second.Select(w => w.Room));
        Assert.Equal([1L, 5, 6, 7], second.SelectMany(w => w.Messages).Select(m => m.Seq));
    }

    [Fact]
    public async Task TwoBatchesOfOneRoomNeverShareAWrite()
    {
        var held = _appends.AppendAsync("hold", 0, Batch("hold", 1, 1));
        await NextWriteAsync();
        var earlier = _appends.AppendAsync("a", 0, Batch("a", 1, 1));
        var later = _appends.AppendAsync("a", 1, Batch("a", 2, 1));
        var other = _appends.AppendAsync("b", 0, Batch("b", 1, 1));

        Answer();
        var second = await NextWriteAsync();
        Answer();
        var third = await NextWriteAsync();
        Answer();
        await Task.WhenAll(held, earlier, later, other);

        Assert.Equal([("a", 0L), ("b", 0L)], second.Select(w => (w.Room, w.ExpectedLastSeq)));
        Assert.Equal([("a", 1L)], third.Select(w => (w.Room, w.ExpectedLastSeq)));
    }

    [Fact]
    public async Task AConflictFailsOnlyItsRoomAndAFailedWriteFailsOnlyItsBatches()
    {
        var held = _appends.AppendAsync("hold", 0, Batch("hold", 1, 1));
        await NextWriteAsync();
        var stale = _appends.AppendAsync("stale", 3, Batch("stale", 4, 1));
        var fine = _appends.AppendAsync("fine", 0, Batch("fine", 1, 1));
        Answer();
        await NextWriteAsync();
        Answer(conflicts: new Dictionary<string, long> { ["stale"] = 9 });

        var conflict = await Assert.ThrowsAsync<MessageLogConflictException>(() => stale);
        await fine;
        var failing = _appends.AppendAsync("down", 0, Batch("down", 1, 1));
        await NextWriteAsync();
        Answer(failure: new IOException("the archive did not answer"));
        await Assert.ThrowsAsync<IOException>(() => failing);
        var after = _appends.AppendAsync("down", 0, Batch("down", 1, 1));
        await NextWriteAsync();
        Answer();
        await after;
        await held;

        Assert.Equal(9, conflict.ActualLastSeq);
    }
}
