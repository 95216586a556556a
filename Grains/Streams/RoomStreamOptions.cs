namespace OrleansChat.Grains.Streams;

/// <summary>How the room stream queues are read.</summary>
public sealed class RoomStreamOptions
{
    /// <summary>
    /// How long a queue's reader waits for its doorbell before it reads the queue anyway: the longest an event
    /// whose ring was lost waits, and the only reading an idle queue costs.
    /// </summary>
    public TimeSpan IdleRead { get; set; } = TimeSpan.FromSeconds(1);
}
