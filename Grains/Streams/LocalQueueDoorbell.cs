using System.Collections.Concurrent;
using Orleans.Streams;

namespace OrleansChat.Grains.Streams;

/// <summary>
/// Rings bells in this process only: enough when every queue is read in the process that writes to it (one
/// silo, as in embedded mode). Between silos a ring does not reach, and events wait for the idle read.
/// </summary>
public sealed class LocalQueueDoorbell : IQueueDoorbell
{
    private readonly ConcurrentDictionary<uint, QueueBell> _bells = new();

    public void Ring(QueueId queue) => TryRing(queue.GetNumericId());

    /// <summary>Rings the bell of the queue with <paramref name="numericId"/> if it hangs here.</summary>
    public bool TryRing(uint numericId)
    {
        if (!_bells.TryGetValue(numericId, out var bell))
        {
            return false;
        }

        bell.Ring();
        return true;
    }

    public QueueBell Hang(QueueId queue) => _bells[queue.GetNumericId()] = new QueueBell(queue);

    public void TakeDown(QueueBell bell) => _bells.TryRemove(new KeyValuePair<uint, QueueBell>(bell.Queue.GetNumericId(), bell));
}
