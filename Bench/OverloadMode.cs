using System.Globalization;
using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>
/// Overload and recovery: senders send at <c>--high</c> messages/s each for <c>--high-seconds</c>, then at
/// <c>--low</c> for <c>--low-seconds</c>, in one measured run, on their schedule whatever the answers take
/// (open loop: a sender does not wait for one acknowledgement before the next send). Reports how long the slowest answer to a send
/// took (acknowledgement or refusal), how many sends were refused as busy, whether anything acknowledged
/// was lost, and how many seconds after the drop the p99 of each later second stayed within <c>--p99</c>.
///   Bench overload --urls http://127.0.0.1:8080 --pids 1234 --rooms 50 --clients 40 --senders 2 --high 24 --low 6
/// </summary>
public static class OverloadMode
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        double Rate(string name, string fallback) => double.Parse(options.Text(name, fallback), CultureInfo.InvariantCulture);
        var (high, low) = (Rate("high", "24"), Rate("low", "6"));
        var highFor = TimeSpan.FromSeconds(options.Number("high-seconds", 30));
        var lowFor = TimeSpan.FromSeconds(options.Number("low-seconds", 20));
        var limitMs = options.Number("p99", 100);
        var settings = LoadSettings.From(options) with
        {
            MessagesPerSecond = high,
            Duration = highFor + lowFor,
            Schedule = [(TimeSpan.Zero, high), (highFor, low)],
            OpenLoop = true,
        };
        var result = await LoadRun.RunAsync(settings, ServerProcess.From(options), $"over-{Guid.NewGuid():N}"[..13]);
        Report.Print("overload", settings, result);

        var bySecond = result.GetProperty("p99MsBySecond").EnumerateArray().Select(p => p.GetDouble()).ToList();
        var drop = (int)highFor.TotalSeconds;
        var recovered = Enumerable.Range(drop, Math.Max(0, bySecond.Count - drop))
            .FirstOrDefault(second => bySecond.Skip(second).All(p99 => p99 <= limitMs), -1);
        var answerMax = result.GetProperty("answerLatencyMs").GetProperty("max").GetDouble();
        Console.WriteLine(
            $"overload: slowest answer to a send {answerMax} ms, {result.GetProperty("refusedBusy")} refused as busy, " +
            $"{result.GetProperty("lost")} acknowledged deliveries lost; " +
            (recovered < 0 ? $"p99 did not return under {limitMs} ms" : $"p99 under {limitMs} ms from {recovered - drop} s after the load fell"));
        Console.WriteLine(JsonSerializer.Serialize(new { mode = "overloadSummary", answerMaxMs = answerMax, recoveredSecondsAfterDrop = recovered < 0 ? (int?)null : recovered - drop }));
        return 0;
    }
}
