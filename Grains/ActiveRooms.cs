using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <summary>
/// How many rooms this silo has active, what <see cref="RoomOptions.MaxActiveRooms"/> bounds, and how many the
/// whole cluster has, what <see cref="RoomOptions.MaxClusterRooms"/> bounds. For the cluster's count the silo
/// reports its own to <see cref="IRoomCensusGrain"/> every <see cref="RoomOptions.CensusPeriod"/> and learns the
/// others' back: <see cref="ClusterCount"/> is the others' count as of the last report (at most one period old)
/// plus this silo's count now, so rooms this silo opened since count at once.
/// </summary>
public sealed partial class ActiveRooms : IDisposable
{
    // A silo that missed this many reports (it died, or cannot reach the census) no longer counts.
    private const int ReportsValid = 3;

    private readonly CancellationTokenSource _stopping = new();
    private int _count;
    private int _others;

    public ActiveRooms(IGrainFactory grains, ILocalSiloDetails silo, IOptions<RoomOptions> options, TimeProvider time, ILogger<ActiveRooms> logger)
    {
        // Created by the first room to activate: Task.Run keeps the reports off that room's scheduler.
        var census = grains.GetGrain<IRoomCensusGrain>(0);
        _ = Task.Run(() => ReportAsync(census, silo.SiloAddress.ToParsableString(), options.Value.CensusPeriod, time, logger));
    }

    /// <summary>Rooms active on this silo.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Rooms active in the cluster, as far as this silo knows (see the class summary for how stale).</summary>
    public int ClusterCount => Volatile.Read(ref _others) + Count;

    public void Activated() => Interlocked.Increment(ref _count);

    public void Deactivated() => Interlocked.Decrement(ref _count);

    // The source is only cancelled, never disposed: the reporting loop may still read its token.
    public void Dispose() => _stopping.Cancel();

    private async Task ReportAsync(IRoomCensusGrain census, string silo, TimeSpan period, TimeProvider time, ILogger logger)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                try
                {
                    var reported = Count;
                    var total = await census.ReportAsync(silo, reported, period * ReportsValid);
                    Volatile.Write(ref _others, Math.Max(0, total - reported));
                }
                catch (Exception exception) when (!_stopping.IsCancellationRequested)
                {
                    // The last known count stands until the census answers again.
                    LogReportFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // The silo is stopping; its count expires from the census.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report this silo's active rooms to the room census")]
    private static partial void LogReportFailed(ILogger logger, Exception exception);
}
