using System.Globalization;
using System.Runtime.InteropServices;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server on a free loopback port, in a fresh temporary data directory with fsync off,
/// reached as the superuser <c>chat</c> without a password. A test can stop it (fast shutdown) and start it
/// again on the same port with the same data; the fixture stops it and deletes its data at the end. Run as
/// root, the server runs as the postgres system user, since PostgreSQL refuses to run as root. When
/// PostgreSQL is not installed the fixture fails with the command that installs it.
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    private const string Superuser = "chat";
    private const string ServiceUser = "postgres";
    private const string VersionedInstalls = "/usr/lib/postgresql";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60), StopTimeout = TimeSpan.FromSeconds(30), CommandTimeout = TimeSpan.FromSeconds(60);

    private string _binDirectory = "";
    private string? _root;
    private ChildProcess? _server;

    public int Port { get; } = FreePort.Next();

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username={Superuser};Database=postgres;Pooling=true";

    private static bool RunsAsRoot => geteuid() == 0;

    private string Root => _root ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    private string DataDirectory => Path.Combine(Root, "data");

    public async Task InitializeAsync()
    {
        _binDirectory = await FindBinDirectoryAsync();
        _root = Directory.CreateTempSubdirectory("orleanschat-pg-").FullName;
        if (RunsAsRoot)
        {
            await HandToServiceUserAsync(_root);
        }

        await RunToSuccessAsync(AsServerUser(Path.Combine(_binDirectory, "initdb"),
            ["-D", DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions"]),
            "initdb", workingDirectory: _root);
        await StartAsync();
    }

    /// <summary>
    /// Starts the server on <see cref="Port"/> over the data it had, and returns once it accepts connections.
    /// Connections pooled before a <see cref="StopAsync"/> stay broken: a client has to open new ones.
    /// </summary>
    public async Task StartAsync()
    {
        if (_server is not null)
        {
            throw new InvalidOperationException($"The PostgreSQL server on port {Port} is already running.");
        }

        var (fileName, arguments) = AsServerUser(Path.Combine(_binDirectory, "postgres"),
        [
            "-D", DataDirectory,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={Root}",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ]);
        var server = ChildProcess.Start(fileName, arguments, workingDirectory: Root);
        try
        {
            await server.Output.WaitUntilAsync(lines => lines.Any(l => l.Contains("database system is ready to accept connections")),
                $"postgres to accept connections on port {Port}", StartTimeout);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        _server = server;
    }

    /// <summary>
    /// Stops the server with a fast shutdown (open sessions are ended, committed rows are kept) and returns once
    /// it has exited, so connection attempts fail from then on. Does nothing when the server is stopped.
    /// </summary>
    public async Task StopAsync()
    {
        if (_server is not { } server)
        {
            return;
        }

        _server = null;
        try
        {
            if (!server.HasExited)
            {
                server.Interrupt();
            }

            await server.WaitForExitAsync(StopTimeout, $"postgres on port {Port} after a fast shutdown");
        }
        finally
        {
            // Kills the server and its backends if the shutdown timed out.
            await server.DisposeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (_root is not null && Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    private static async Task<string> FindBinDirectoryAsync()
    {
        List<string> candidates = [];
        if (FindOnPath("pg_config") is { } pgConfig)
        {
            var (exitCode, output) = await RunAsync(pgConfig, ["--bindir"]);
            if (exitCode == 0 && output.FirstOrDefault(Path.IsPathRooted) is { } binDirectory)
            {
                candidates.Add(binDirectory.Trim());
            }
        }

        // The pg_config of libpq-dev alone names /usr/bin, where Debian keeps no server; its servers live in
        // one folder per major version.
        if (Directory.Exists(VersionedInstalls))
        {
            candidates.AddRange(Directory.GetDirectories(VersionedInstalls)
                .OrderByDescending(dir => double.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var version) ? version : 0)
                .Select(dir => Path.Combine(dir, "bin")));
        }

        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "postgres")))
            ?? throw new InvalidOperationException(
                $"PostgreSQL's initdb and postgres were not found in `pg_config --bindir` nor in {VersionedInstalls}/*/bin. The archive " +
                "tests need a real PostgreSQL server: install it (Debian/Ubuntu: apt-get install -y postgresql) or run scripts/test.sh, " +
                "which installs it.");
    }

    private static async Task HandToServiceUserAsync(string directory)
    {
        if ((await RunAsync("id", ["-u", ServiceUser])).ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"PostgreSQL refuses to run as root, so the fixture runs it as the {ServiceUser} system user, which does not exist. " +
                "Installing PostgreSQL creates it (Debian/Ubuntu: apt-get install -y postgresql), or run the tests as another user.");
        }

        await RunToSuccessAsync(("chown", [$"{ServiceUser}:", directory]), $"chown of {directory} to {ServiceUser}");
    }

    /// <summary>The command line that runs <paramref name="fileName"/> as the user the server may run as.</summary>
    private static (string FileName, string[] Arguments) AsServerUser(string fileName, string[] arguments) =>
        RunsAsRoot
            // setpriv executes the program in its own process, so signals sent to the child reach the server itself.
            ? ("setpriv", [$"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--", fileName, .. arguments])
            : (fileName, arguments);

    private static async Task RunToSuccessAsync((string FileName, string[] Arguments) command, string what, string? workingDirectory = null)
    {
        var (exitCode, output) = await RunAsync(command.FileName, command.Arguments, workingDirectory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited with {exitCode}: {string.Join(" | ", output.TakeLast(20))}");
        }
    }

    private static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunAsync(string fileName, string[] arguments, string? workingDirectory = null)
    {
        await using var process = ChildProcess.Start(fileName, arguments, workingDirectory: workingDirectory);
        var exitCode = await process.WaitForExitAsync(CommandTimeout, $"{fileName} {string.Join(' ', arguments)}");
        return (exitCode, process.Output.Items);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
