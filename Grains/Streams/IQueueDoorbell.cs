using Orleans.Streams;

namespace OrleansChat.Grains.Streams;

/// <summary>
/// Tells the receiver of a room stream queue that the queue has something to read, so that its pulling agent
/// reads at once instead of polling the queue grain on a timer. A ring is a hint, delivered at most once: the
/// data itself stays in the queue, and a receiver whose ring was lost still reads on its own every idle period
/// (<see cref="RoomStreamOptions.IdleRead"/>).
/// </summary>
public interface IQueueDoorbell
{
    /// <summary>Rings the bell of <paramref name="queue"/>, wherever in the cluster its receiver runs (as far as this doorbell reaches).</summary>
    void Ring(QueueId queue);

    /// <summary>The bell that <see cref="Ring"/> rings for <paramref name="queue"/>, whose receiver now runs in this process.</summary>
    QueueBell Hang(QueueId queue);

    /// <summary>Takes down a bell that <see cref="Hang"/> gave, when its receiver stops.</summary>
    void TakeDown(QueueBell bell);
}
