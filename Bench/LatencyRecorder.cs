namespace OrleansChat.Bench;

/// <summary>Latencies in microseconds, collected from many threads, summarized as percentiles.</summary>
public sealed class LatencyRecorder
{
    private readonly List<long> _micros = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _micros.Count;
            }
        }
    }

    public void Add(TimeSpan latency)
    {
        lock (_gate)
        {
            _micros.Add((long)(latency.Ticks / 10));
        }
    }

    /// <summary>p50, p90, p99 and max, in milliseconds.</summary>
    public (double P50, double P90, double P99, double Max) Summary()
    {
        long[] sorted;
        lock (_gate)
        {
            sorted = [.. _micros];
        }

        if (sorted.Length == 0)
        {
            return (0, 0, 0, 0);
        }

        Array.Sort(sorted);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] / 1000.0;
        return (At(0.50), At(0.90), At(0.99), sorted[^1] / 1000.0);
    }
}
