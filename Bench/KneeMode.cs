using System.Globalization;
using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>
/// The knee: raises the per-sender rate step by step (a fresh load run per step) and reports the highest
/// deliveries/s at which p99 stays within the limit with nothing lost, duplicated, reordered or refused.
/// Stops at the first step that misses, since a higher offer only misses by more.
///   Bench knee --urls http://127.0.0.1:8080 --pids 1234 --rooms 50 --clients 40 --senders 2 --rates 1,2,4,8,12,16 --p99 100
/// </summary>
public static class KneeMode
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var rates = options.Text("rates", "1,2,4,6,8,10,12,14,16,20").Split(',')
            .Select(rate => double.Parse(rate, CultureInfo.InvariantCulture)).ToList();
        var limitMs = options.Number("p99", 100);
        var result = await FindAsync(LoadSettings.From(options), rates, limitMs, ServerProcess.From(options),
            (settings, step) => Report.Print("knee step", settings, step));
        var knee = result.GetProperty("kneeDeliveriesPerSecond").GetDouble();
        Console.WriteLine(knee > 0
            ? $"knee: {knee} deliveries/s with p99 <= {limitMs} ms and nothing lost"
            : $"knee: not reached; the first step already missed p99 <= {limitMs} ms with nothing lost");
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Runs the steps in <paramref name="rates"/> (messages/s per sender) until one misses.</summary>
    public static async Task<JsonElement> FindAsync(
        LoadSettings first, IReadOnlyList<double> rates, int limitMs, IReadOnlyList<ServerProcess> servers,
        Action<LoadSettings, JsonElement> onStep)
    {
        var steps = new List<JsonElement>();
        double knee = 0;
        foreach (var rate in rates)
        {
            var settings = first with { MessagesPerSecond = rate };
            var step = await LoadRun.RunAsync(settings, servers, $"knee-{Guid.NewGuid():N}"[..13]);
            onStep(settings, step);
            steps.Add(step);
            if (!Holds(step, limitMs))
            {
                break;
            }

            knee = step.GetProperty("deliveriesPerSecond").GetDouble();
        }

        return JsonSerializer.SerializeToElement(new { mode = "knee", p99LimitMs = limitMs, kneeDeliveriesPerSecond = knee, steps });
    }

    private static bool Holds(JsonElement step, int limitMs) =>
        step.GetProperty("latencyMs").GetProperty("p99").GetDouble() <= limitMs
        && step.GetProperty("lost").GetInt64() == 0
        && step.GetProperty("duplicates").GetInt64() == 0
        && step.GetProperty("outOfOrder").GetInt64() == 0
        && step.GetProperty("failedSends").GetInt64() == 0;
}
