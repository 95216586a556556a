namespace OrleansChat.Bench;

/// <summary>CPU time and memory of the server processes under test, read from /proc (Linux).</summary>
public sealed record ServerProcess(int Pid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static IReadOnlyList<ServerProcess> From(BenchOptions options) =>
        options.Text("pids", options.Text("pid", "")).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => new ServerProcess(int.Parse(p))).ToList();

    /// <summary>User plus system CPU time so far.</summary>
    public TimeSpan CpuTime()
    {
        var fields = File.ReadAllText($"/proc/{Pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond);
    }

    public long RssBytes() => StatusKilobytes("VmRSS") * 1024;

    public long PeakRssBytes() => StatusKilobytes("VmHWM") * 1024;

    private long StatusKilobytes(string field) =>
        long.Parse(File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
