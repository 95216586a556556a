namespace OrleansChat.Grains;

/// <summary>How many rooms this silo has active: what <see cref="RoomOptions.MaxActiveRooms"/> bounds.</summary>
public sealed class ActiveRooms
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Activated() => Interlocked.Increment(ref _count);

    public void Deactivated() => Interlocked.Decrement(ref _count);
}
