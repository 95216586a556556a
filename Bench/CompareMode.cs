using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>
/// The service against the bare hub, from the JSON lines two runs of the same scenario printed: each
/// figure of <see cref="Compared"/> both runs report, as the service's value over the hub's.
///   Bench compare --service service.out --baseline baseline.out
/// </summary>
public static class CompareMode
{
    private static readonly string[] Compared =
    [
        "deliveriesPerSecond", "serverCpuPercent", "serverCpuMicrosPerDelivery", "serverRssKbPerConnection",
        "latency.p50", "latency.p90", "latency.p99", "kbPerConnection", "idleCpuPercent",
    ];

    public static Task<int> RunAsync(BenchOptions options)
    {
        var service = LastRun(options.Text("service", "service.out"));
        var baseline = LastRun(options.Text("baseline", "baseline.out"));
        var ratios = new Dictionary<string, double>();
        foreach (var (name, value) in Figures(service))
        {
            if (Figures(baseline).TryGetValue(name, out var other) && other != 0)
            {
                ratios[name] = Math.Round(value / other, 2);
            }
        }

        Console.WriteLine("service / bare hub: " + string.Join(", ", ratios.Select(r => $"{r.Key} {r.Value:0.00}x")));
        Console.WriteLine(JsonSerializer.Serialize(new { mode = "compare", ratios }));
        return Task.FromResult(0);
    }

    /// <summary>The last run a file of JSON lines reports (its last line with a mode, other than the summaries).</summary>
    private static JsonElement LastRun(string path) =>
        File.ReadLines(path).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .Last(e => e.TryGetProperty("mode", out var mode) && mode.GetString() is "load" or "idle" or "knee step");

    private static Dictionary<string, double> Figures(JsonElement run)
    {
        var figures = new Dictionary<string, double>();
        foreach (var property in run.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number)
            {
                figures[property.Name] = property.Value.GetDouble();
            }
            else if (property.Name == "latencyMs")
            {
                foreach (var percentile in property.Value.EnumerateObject())
                {
                    figures[$"latency.{percentile.Name}"] = percentile.Value.GetDouble();
                }
            }
        }

        return figures.Where(f => Compared.Contains(f.Key)).ToDictionary();
    }
}
