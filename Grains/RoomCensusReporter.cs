using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <summary>
/// Reports this silo's <see cref="ActiveRooms"/> to <see cref="IRoomCensusGrain"/> every
/// <see cref="RoomOptions.CensusPeriod"/> while the silo is active, from the moment it can call grains until
/// it starts stopping; a silo that stopped reporting drops out of the census after a few periods.
/// </summary>
public sealed partial class RoomCensusReporter(
    ActiveRooms rooms, IGrainFactory grains, ILocalSiloDetails silo, IOptions<RoomOptions> options, TimeProvider time,
    ILogger<RoomCensusReporter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    // A silo that missed this many reports (it died, or cannot reach the census) no longer counts.
    private const int ReportsValid = 3;

    private readonly CancellationTokenSource _stopping = new();
    private Task _reporting = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RoomCensusReporter), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        _reporting = Task.Run(ReportAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        // A report under way is a grain call that may wait for its timeout while the cluster goes down.
        await _reporting.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ReportAsync()
    {
        var census = grains.GetGrain<IRoomCensusGrain>(0);
        var name = silo.SiloAddress.ToParsableString();
        var period = options.Value.CensusPeriod;
        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                try
                {
                    var reported = rooms.Count;
                    rooms.Counted(await census.ReportAsync(name, reported, period * ReportsValid).WaitAsync(_stopping.Token), reported);
                }
                catch (Exception exception) when (!_stopping.IsCancellationRequested)
                {
                    // The last known count stands until the census answers again.
                    LogReportFailed(exception);
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
    private partial void LogReportFailed(Exception exception);
}
