namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A private redis-server on a free loopback port, without persistence to disk, stopped with the fixture.
/// When redis-server is not installed the fixture fails with the command that installs it.
/// </summary>
public class RedisServer : IAsyncLifetime
{
    private readonly string? _password;
    private ChildProcess? _process;

    public RedisServer() : this(password: null)
    {
    }

    protected RedisServer(string? password) => _password = password;

    public string? Password => _password;

    public int Port { get; } = FreePort.Next();

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>
    /// Settings for chat servers that form one cluster of their own on this Redis, under fresh cluster and
    /// service ids that start with <paramref name="name"/>; servers started with the same settings share it.
    /// </summary>
    public Dictionary<string, string?> ServiceSettings(string name) => new()
    {
        ["ConnectionStrings:Redis"] = ConnectionString,
        ["Orleans:ClusterId"] = $"{name}-{Guid.NewGuid():N}",
        ["Orleans:ServiceId"] = $"{name}-{Guid.NewGuid():N}",
        ["Orleans:AdvertisedIP"] = "127.0.0.1",
    };

    public async Task InitializeAsync()
    {
        var executable = FindOnPath("redis-server") ?? throw new InvalidOperationException(
            "redis-server was not found on PATH. The Redis tests need a real Redis server: install it " +
            "(Debian/Ubuntu: apt-get install -y redis-server) or run scripts/test.sh, which installs it.");
        string[] auth = _password is null ? [] : ["--requirepass", _password];
        _process = ChildProcess.Start(executable,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", .. auth]);
        await _process.Output.WaitUntilAsync(lines => lines.Any(l => l.Contains("Ready to accept connections")),
            $"redis-server to accept connections on port {Port}");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A private redis-server that demands a password, as Memorystore with AUTH does.</summary>
public sealed class PasswordProtectedRedisServer() : RedisServer(password: $"auth-{Guid.NewGuid():N}");
