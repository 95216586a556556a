using System.Diagnostics;
using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>
/// What silent clients cost: joins K clients (20 per room) and reports the server's memory per connected,
/// joined client beyond what it used before, and its CPU while all of them sit idle, after --settle seconds
/// (default 2) in which the joins settle and the runtime finishes compiling what they ran.
///   Bench idle --urls http://127.0.0.1:8080 --pids 1234 --clients 5000 --seconds 10 --settle 30
/// </summary>
public static class IdleMode
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var servers = ServerProcess.From(options);
        var clients = options.Number("clients", 1000);
        var seconds = options.Number("seconds", 10);
        var settle = options.Number("settle", 2);
        var rssBefore = servers.Sum(s => s.RssBytes());
        await using var crowd = await Crowd.JoinAsync(options.Urls, clients, Math.Max(1, clients / 20), $"idle-{Guid.NewGuid():N}"[..13]);

        // Let the joins settle (presence stored, relays subscribed) before measuring the steady state; a long
        // settle also leaves out the runtime's background recompilation of the code the joins ran.
        await Task.Delay(TimeSpan.FromSeconds(settle));
        var cpuBefore = servers.Select(s => s.CpuTime()).ToList();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuEach = servers.Select((s, i) => s.CpuTime() - cpuBefore[i]).ToList();
        var cpu = cpuEach.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        var rssAfter = servers.Sum(s => s.RssBytes());

        var result = new
        {
            mode = "idle",
            clients,
            rooms = Math.Max(1, clients / 20),
            settleSeconds = settle,
            connectSeconds = Math.Round(crowd.ConnectTime.TotalSeconds, 2),
            rssBeforeMb = Math.Round(rssBefore / 1048576.0, 1),
            rssAfterMb = Math.Round(rssAfter / 1048576.0, 1),
            kbPerConnection = clients == 0 ? (double?)null : Math.Round((rssAfter - rssBefore) / 1024.0 / clients, 1),
            idleCpuPercent = Math.Round(100 * cpu / elapsed, 1),
            idleCpuPercentEach = cpuEach.Select(c => Math.Round(100 * c / elapsed, 1)).ToArray(),
        };
        Console.WriteLine($"idle: {clients} joined clients add {result.kbPerConnection} KB each ({result.rssBeforeMb} -> {result.rssAfterMb} MB); idle CPU {result.idleCpuPercent}% ({string.Join(", ", result.idleCpuPercentEach)} per instance)");
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
