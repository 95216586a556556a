namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// How many rooms the cluster has active, as its silos last reported (key 0: one per cluster). Each silo reports
/// its own count every <c>Room:CensusPeriod</c> and learns the total back; what it knows is in memory only, so
/// after the grain moves (its silo stopped) the total is whole again once every silo has reported once more.
/// </summary>
public interface IRoomCensusGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records that <paramref name="silo"/> has <paramref name="activeRooms"/> rooms active, a count that holds
    /// for <paramref name="validFor"/> (a silo that stops reporting, having died, stops counting after it), and
    /// returns the sum of every silo's count that still holds, this one's included.
    /// </summary>
    Task<int> ReportAsync(string silo, int activeRooms, TimeSpan validFor);
}
