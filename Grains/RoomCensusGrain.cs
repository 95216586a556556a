using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <inheritdoc cref="IRoomCensusGrain"/>
public sealed class RoomCensusGrain(TimeProvider time) : Grain, IRoomCensusGrain
{
    private readonly Dictionary<string, Report> _silos = new(StringComparer.Ordinal);

    public Task<int> ReportAsync(string silo, int activeRooms, TimeSpan validFor)
    {
        var now = time.GetUtcNow();
        _silos[silo] = new Report(activeRooms, now + validFor);
        var total = 0;
        foreach (var (name, report) in _silos)
        {
            if (report.Until < now)
            {
                _silos.Remove(name);
                continue;
            }

            total += report.ActiveRooms;
        }

        return Task.FromResult(total);
    }

    private readonly record struct Report(int ActiveRooms, DateTimeOffset Until);
}
