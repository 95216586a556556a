namespace OrleansChat.Grains;

/// <summary>
/// How many rooms this silo has active, what <see cref="RoomOptions.MaxActiveRooms"/> bounds, and how many the
/// whole cluster has, what <see cref="RoomOptions.MaxClusterRooms"/> bounds. <see cref="RoomCensusReporter"/>
/// reports this silo's count to the census every <see cref="RoomOptions.CensusPeriod"/> and hands the answer
/// back here: <see cref="ClusterCount"/> is the others' count as of the last report (at most one period old)
/// plus this silo's count now, so rooms this silo opened since count at once.
/// </summary>
public sealed class ActiveRooms
{
    private int _count;
    private int _others;

    /// <summary>Rooms active on this silo.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Rooms active in the cluster, as far as this silo knows (see the class summary for how stale).</summary>
    public int ClusterCount => Volatile.Read(ref _others) + Count;

    public void Activated() => Interlocked.Increment(ref _count);

    public void Deactivated() => Interlocked.Decrement(ref _count);

    /// <summary>The census counted <paramref name="total"/> rooms, <paramref name="reported"/> of them this silo's.</summary>
    public void Counted(int total, int reported) => Volatile.Write(ref _others, Math.Max(0, total - reported));
}
