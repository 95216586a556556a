using Orleans.Serialization;
using Orleans.Storage;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Grains;

/// <summary>
/// In-memory grain storage that counts the presence writes it is asked for, and can hold the next one
/// until the test lets it land.
/// </summary>
public sealed class CountingGrainStorage(DeepCopier copier) : IGrainStorage
{
    private readonly Dictionary<(string, GrainId), (object State, string ETag)> _stored = [];
    private readonly Lock _gate = new();
    private int _presenceWrites;
    private TaskCompletionSource? _release;

    public int PresenceWrites => Volatile.Read(ref _presenceWrites);

    /// <summary>Holds the next presence write until <see cref="Release"/>.</summary>
    public void HoldNextPresenceWrite() => _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release?.TrySetResult();

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
        if (copy is RoomPresence)
        {
            Interlocked.Increment(ref _presenceWrites);
            if (Interlocked.Exchange(ref _release, null) is { } release)
            {
                await release.Task;
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
