using Orleans.Serialization;
using Orleans.Storage;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Grains;

/// <summary>
/// In-memory grain storage whose next room-history write can be held until the test releases it, and then
/// made to fail: the test decides when a write lands, so what the room does meanwhile can be observed.
/// </summary>
public sealed class GatedRoomStorage(DeepCopier copier) : IGrainStorage
{
    private readonly Dictionary<(string, GrainId), (object State, string ETag)> _stored = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource<bool>? _release;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _historyWrites;

    public int HistoryWrites => Volatile.Read(ref _historyWrites);

    /// <summary>Holds the next history write; the returned task completes when that write has begun.</summary>
    public Task HoldNextHistoryWrite()
    {
        lock (_gate)
        {
            _release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _held.Task;
        }
    }

    /// <summary>Lets the held write go on: stored when <paramref name="succeed"/>, failed otherwise.</summary>
    public void Release(bool succeed)
    {
        lock (_gate)
        {
            _release!.TrySetResult(succeed);
            _release = null;
        }
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_gate)
        {
            if (_stored.TryGetValue((stateName, grainId), out var stored))
            {
                (grainState.State, grainState.ETag, grainState.RecordExists) = (copier.Copy((T)stored.State), stored.ETag, true);
            }
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var copy = copier.Copy(grainState.State);
        if (copy is RoomState)
        {
            Interlocked.Increment(ref _historyWrites);
            Task<bool>? release;
            lock (_gate)
            {
                release = _release?.Task;
                _held.TrySetResult();
            }

            if (release is not null && !await release)
            {
                throw new IOException("The storage refused the write.");
            }
        }

        lock (_gate)
        {
            var etag = Guid.NewGuid().ToString("N");
            _stored[(stateName, grainId)] = (copy!, etag);
            (grainState.ETag, grainState.RecordExists) = (etag, true);
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_gate)
        {
            _stored.Remove((stateName, grainId));
        }

        return Task.CompletedTask;
    }
}
