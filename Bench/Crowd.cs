using System.Diagnostics;

namespace OrleansChat.Bench;

/// <summary>Many joined clients, spread round-robin over the given instances, as a load balancer without affinity would.</summary>
public sealed class Crowd : IAsyncDisposable
{
    private Crowd(List<HubSocket> clients, TimeSpan connectTime) => (Clients, ConnectTime) = (clients, connectTime);

    public List<HubSocket> Clients { get; }

    public TimeSpan ConnectTime { get; }

    public static async Task<Crowd> JoinAsync(IReadOnlyList<Uri> urls, int clients, int rooms, string roomPrefix)
    {
        var started = Stopwatch.GetTimestamp();
        var sockets = new HubSocket[clients];
        using var parallel = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            await parallel.WaitAsync();
            try
            {
                var socket = await HubSocket.ConnectAsync(urls[i % urls.Count], CancellationToken.None);
                await socket.InvokeAsync("Join", $"{roomPrefix}-{i % rooms}", $"user-{i}", null);
                sockets[i] = socket;
            }
            finally
            {
                parallel.Release();
            }
        }));
        return new Crowd([.. sockets], Stopwatch.GetElapsedTime(started));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
        {
            await client.DisposeAsync();
        }
    }
}
