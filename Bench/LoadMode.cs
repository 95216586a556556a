using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>
/// One load run, reported as a summary and one JSON line:
///   Bench load --urls http://127.0.0.1:8080 --pids 1234 --rooms 10 --clients 20 --senders 2 --rate 5 --size 100 --warmup 3 --duration 10
/// </summary>
public static class LoadMode
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var settings = LoadSettings.From(options);
        var result = await LoadRun.RunAsync(settings, ServerProcess.From(options), $"load-{Guid.NewGuid():N}"[..13]);
        Report.Print("load", settings, result);
        return 0;
    }
}

public static class Report
{
    public static void Print(string mode, LoadSettings settings, JsonElement result)
    {
        var latency = result.GetProperty("latencyMs");
        Console.WriteLine(
            $"{mode}: {settings.Rooms} rooms x {settings.ClientsPerRoom} clients, {settings.SendersPerRoom} senders/room at {settings.MessagesPerSecond}/s " +
            $"(offered {settings.OfferedDeliveriesPerSecond:0} deliveries/s): {result.GetProperty("deliveriesPerSecond")} deliveries/s, " +
            $"p50 {latency.GetProperty("p50")} ms, p90 {latency.GetProperty("p90")} ms, p99 {latency.GetProperty("p99")} ms, max {latency.GetProperty("max")} ms; " +
            $"lost {result.GetProperty("lost")}, duplicated {result.GetProperty("duplicates")}, out of order {result.GetProperty("outOfOrder")}; " +
            $"server CPU {result.GetProperty("serverCpuPercent")}%, load generator CPU {result.GetProperty("loadGeneratorCpuPercent")}%");
        var line = new Dictionary<string, object> { ["mode"] = mode };
        foreach (var property in result.EnumerateObject())
        {
            line[property.Name] = property.Value;
        }

        Console.WriteLine(JsonSerializer.Serialize(line));
    }
}
