using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>
/// How long a graceful stop takes under load: joins many clients to a running instance, sends it SIGTERM,
/// and measures until every client was closed and until the process exited.
///   Bench shutdown --urls http://127.0.0.1:8080 --pid 1234 --clients 1000 --rooms 50
/// </summary>
public static partial class ShutdownMode
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var pid = options.Number("pid", 0);
        var clients = options.Number("clients", 1000);
        var rooms = options.Number("rooms", 50);
        using var server = Process.GetProcessById(pid);
        await using var crowd = await Crowd.JoinAsync(options.Urls, clients, rooms, $"shutdown-{Guid.NewGuid():N}"[..17]);
        Console.WriteLine($"{clients} clients joined {rooms} rooms in {crowd.ConnectTime.TotalSeconds:0.00} s; sending SIGTERM to {pid}");

        var started = Stopwatch.GetTimestamp();
        if (kill(pid, 15) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed");
        }

        await Task.WhenAll(crowd.Clients.Select(c => c.Closed)).WaitAsync(TimeSpan.FromSeconds(30));
        var allClosed = Stopwatch.GetElapsedTime(started);
        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var exited = Stopwatch.GetElapsedTime(started);
        var reconnectAllowed = crowd.Clients.Count(c => c.AllowReconnect == true);
        Console.WriteLine($"close messages: allow={reconnectAllowed} deny={crowd.Clients.Count(c => c.AllowReconnect == false)} none={crowd.Clients.Count(c => c.AllowReconnect is null)}");

        Console.WriteLine($"all clients closed after {allClosed.TotalSeconds:0.00} s ({reconnectAllowed} told they may reconnect); process exited after {exited.TotalSeconds:0.00} s");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode = "shutdown",
            clients,
            rooms,
            connectSeconds = Math.Round(crowd.ConnectTime.TotalSeconds, 3),
            allClosedSeconds = Math.Round(allClosed.TotalSeconds, 3),
            exitSeconds = Math.Round(exited.TotalSeconds, 3),
            reconnectAllowed,
        }));
        return 0;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
