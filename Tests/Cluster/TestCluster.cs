using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Service;

namespace OrleansChat.Tests.Cluster;

/// <summary>
/// Several processes of the published service sharing one real Redis, each on its own ports, with presence
/// timings short enough to observe in a test (renewal 1 s, lease 3 s). Every process is killed at the end.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly PublishedSilo _silo;
    private readonly Dictionary<string, string> _settings;

    private TestCluster(PublishedSilo silo, RedisServer redis)
    {
        _silo = silo;
        var id = Guid.NewGuid().ToString("N");
        _settings = new Dictionary<string, string>
        {
            ["REDISHOST"] = "127.0.0.1",
            ["REDISPORT"] = redis.Port.ToString(),
            ["Orleans__ClusterId"] = $"cluster-{id}",
            ["Orleans__ServiceId"] = $"service-{id}",
            ["Room__PresenceLease"] = "00:00:03",
            ["Room__PresenceSweepPeriod"] = "00:00:00.500",
            ["Relay__PresenceRenewalPeriod"] = RenewalPeriod.ToString("c"),
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
    }

    /// <summary>How often each process renews its connections' presence in these tests.</summary>
    public static readonly TimeSpan RenewalPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How long after a process dies its users may still be listed: lease, a sweep, and slack for detecting the dead silo.</summary>
    public static readonly TimeSpan GhostBound = TimeSpan.FromSeconds(45);

    public List<ServiceProcess> Instances { get; } = [];

    public static async Task<TestCluster> StartAsync(PublishedSilo silo, RedisServer redis, params string[] roles)
    {
        var cluster = new TestCluster(silo, redis);
        try
        {
            // Silos first, so front ends find gateways; then the rest together.
            foreach (var group in roles.Select((role, index) => (role, index)).GroupBy(r => r.role == "frontend"))
            {
                var started = await Task.WhenAll(group.Select(r => cluster.StartInstanceAsync(r.role)));
                cluster.Instances.AddRange(started);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Awaits <paramref name="task"/>; if it fails, the failure carries what each instance logged last.</summary>
    public async Task<T> WithLogsOnFailure<T>(Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (Exception failure)
        {
            var logs = Instances.Select((instance, i) =>
                $"--- instance {i} ({instance.Address}):{Environment.NewLine}{string.Join(Environment.NewLine, instance.Process.Output.Items.Where(IsWorthReading).TakeLast(40))}");
            throw new InvalidOperationException($"{failure.Message}{Environment.NewLine}{string.Join(Environment.NewLine, logs)}", failure);
        }
    }

    private static bool IsWorthReading(string line) =>
        !line.Contains("Request starting", StringComparison.Ordinal) && !line.Contains("Request finished", StringComparison.Ordinal)
        && !line.Contains("Executing endpoint", StringComparison.Ordinal) && !line.Contains("Executed endpoint", StringComparison.Ordinal);

    private Task<ServiceProcess> StartInstanceAsync(string role) =>
        _silo.StartAsync(new Dictionary<string, string>(_settings) { ["ROLE"] = role });

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }
    }
}
