using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>
/// The service against the bare hub, from the JSON lines two runs of the same scenario printed: each
/// figure of the service as a ratio to the bare hub's.
///   Bench compare --service service.out --baseline baseline.out
/// </summary>
public static class CompareMode
{
    private static readonly string[] Figures = ["deliveriesPerSecond", "serverCpuPercent", "serverCpuMicrosPerDelivery", "serverRssKbPerConnection"];

    public static Task<int> RunAsync(BenchOptions options)
    {
        var service = LastRun(options.Text("service", "service.out"));
        var baseline = LastRun(options.Text("baseline", "baseline.out"));
        var ratios = new Dictionary<string, double?>();
        foreach (var figure in Figures)
        {
            ratios[figure] = Ratio(Number(service, figure), Number(baseline, figure));
        }

        foreach (var percentile in new[] { "p50", "p99" })
        {
            ratios[$"latency.{percentile}"] = Ratio(Latency(service, percentile), Latency(baseline, percentile));
        }

        Console.WriteLine("service / bare hub: " + string.Join(", ", ratios.Select(r => $"{r.Key} {(r.Value is { } v ? v.ToString("0.00") + "x" : "-")}")));
        Console.WriteLine(JsonSerializer.Serialize(new { mode = "compare", ratios }));
        return Task.FromResult(0);
    }

    /// <summary>The last load run in a file of JSON lines (a knee run's last step that held is not singled out: compare load runs).</summary>
    private static JsonElement LastRun(string path) =>
        File.ReadLines(path).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .Last(e => e.TryGetProperty("deliveriesPerSecond", out _));

    private static double? Number(JsonElement run, string name) =>
        run.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static double? Latency(JsonElement run, string percentile) => run.GetProperty("latencyMs").GetProperty(percentile).GetDouble();

    private static double? Ratio(double? service, double? baseline) =>
        service is { } s && baseline is { } b && b != 0 ? Math.Round(s / b, 2) : null;
}
