using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Service;

/// <summary>
/// The Silo published exactly as the Dockerfile publishes it, once per test run, so the tests start the
/// same files a container would run.
/// </summary>
public sealed class PublishedSilo : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"orleanschat-publish-{Guid.NewGuid():N}");

    public string Assembly => Path.Combine(Directory, "OrleansChat.Silo.dll");

    public async Task InitializeAsync()
    {
        await using var publish = ChildProcess.Start(RepositoryPaths.Dotnet, DockerfilePublishArguments(), LeaveNoBuildNodes);
        var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(4), "dotnet publish");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({exitCode}): {string.Join(Environment.NewLine, publish.Output.Items.TakeLast(30))}");
        }
    }

    /// <summary>
    /// No MSBuild nodes that outlive the publish: started by it for reuse, they inherit its output pipes and
    /// hold them open for their idle lifetime (15 minutes), so the publish is never seen to end. Where an
    /// earlier build left nodes to reuse, none is started, which is why only a fresh machine shows it.
    /// </summary>
    private static readonly Dictionary<string, string> LeaveNoBuildNodes = new()
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
    };

    /// <summary>The arguments of the Dockerfile's <c>RUN dotnet publish</c> line, with the output folder replaced.</summary>
    private string[] DockerfilePublishArguments()
    {
        var line = File.ReadLines(Path.Combine(RepositoryPaths.Root, "Dockerfile"))
            .Single(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        var arguments = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToArray();
        var output = Array.IndexOf(arguments, "-o") + 1;
        Assert.True(output > 0, $"The Dockerfile's publish line has no -o: {line}");
        arguments[output] = Directory;
        return arguments;
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Starts the published service as a container would, with <c>PORT</c> set, plus <paramref name="settings"/>.</summary>
    public async Task<ServiceProcess> StartAsync(IDictionary<string, string>? settings = null)
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(),
            ["Orleans__SiloPort"] = FreePort.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:1", // must be overridden by PORT
        };
        foreach (var (name, value) in TestLimits.Generous)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var process = ChildProcess.Start(RepositoryPaths.Dotnet, [Assembly], environment, Directory);
        await process.Output.WaitUntilAsync(lines => lines.Any(l => l.Contains("OrleansChat is running")) || process.HasExited,
            "the service's start-up line");
        if (process.HasExited)
        {
            throw new InvalidOperationException($"The service exited on start: {string.Join(Environment.NewLine, process.Output.Items)}");
        }

        return new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"));
    }
}

public sealed record ServiceProcess(ChildProcess Process, Uri Address) : IAsyncDisposable
{
    public Task<ChatTestClient> ConnectAsync() => ChatTestClient.ConnectAsync(Address);

    /// <summary>SIGTERM, then the exit code.</summary>
    public async Task<int> StopAsync()
    {
        Process.Terminate();
        return await Process.WaitForExitAsync(TimeSpan.FromSeconds(30), "the service after SIGTERM");
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PublishedServiceCollection
    : ICollectionFixture<PublishedSilo>, ICollectionFixture<RedisServer>, ICollectionFixture<PasswordProtectedRedisServer>
{
    public const string Name = "published service";
}
