using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;

namespace OrleansChat.Tests.Grains;

/// <summary>
/// The in-memory message log, whose next append can be held until the test releases it, and then made to
/// fail: the test decides when an append lands, so what the room does meanwhile can be observed.
/// </summary>
public sealed class GatedMessageLog : IMessageLog
{
    private readonly MemoryMessageLog _log = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource<bool>? _release;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _appends;

    public int Appends => Volatile.Read(ref _appends);

    /// <summary>Holds the next append; the returned task completes when that append has begun.</summary>
    public Task HoldNextAppend()
    {
        lock (_gate)
        {
            _release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _held.Task;
        }
    }

    /// <summary>Lets the held append go on: stored when <paramref name="succeed"/>, failed otherwise.</summary>
    public void Release(bool succeed)
    {
        lock (_gate)
        {
            _release!.TrySetResult(succeed);
            _release = null;
        }
    }

    public Task<MessageLogTail> ReadTailAsync(string room, int limit) => _log.ReadTailAsync(room, limit);

    public Task ReplaceAsync(string room, MessageLogTail tail) => _log.ReplaceAsync(room, tail);

    public Task ForgetUnusedAsync(string room) => _log.ForgetUnusedAsync(room);

    public async Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain)
    {
        Interlocked.Increment(ref _appends);
        Task<bool>? release;
        lock (_gate)
        {
            release = _release?.Task;
            _held.TrySetResult();
        }

        if (release is not null && !await release)
        {
            throw new IOException("The log refused the append.");
        }

        await _log.AppendAsync(room, expectedLastSeq, batch, retain);
    }
}
