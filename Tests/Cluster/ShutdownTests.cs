using OrleansChat.Tests.Infrastructure;
using OrleansChat.Tests.Service;

namespace OrleansChat.Tests.Cluster;

/// <summary>
/// SIGTERM ends an instance within Cloud Run's 10 s even when what it would hand its rooms back to cannot
/// answer: a silo that froze, or a Redis that is gone.
/// </summary>
[Collection(PublishedServiceCollection.Name)]
public sealed class ShutdownTests(PublishedSilo silo)
{
    private static readonly TimeSpan CloudRunGrace = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AnInstanceStopsWithinTenSecondsWhileTheSiloHoldingItsRoomsIsFrozen()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var cluster = await TestCluster.StartAsync(silo, redis, "combined", "combined");
        var (stopping, frozen) = (cluster.Instances[0], cluster.Instances[1]);
        var rooms = Enumerable.Range(0, 4).Select(_ => Rooms.Fresh("frozen")).ToList();
        // The frozen instance's clients join first, so placement puts the rooms on its silo.
        var holders = new List<ChatTestClient>();
        foreach (var room in rooms)
        {
            var holder = await frozen.ConnectAsync();
            await holder.JoinAsync(room, "Holder");
            holders.Add(holder);
        }

        await using var member = await stopping.ConnectAsync();
        foreach (var room in rooms)
        {
            await member.JoinAsync(room, "Member");
        }

        frozen.Process.Freeze();
        stopping.Process.Terminate();

        Assert.Equal(0, await stopping.Process.WaitForExitAsync(CloudRunGrace, "an instance after SIGTERM, its rooms' silo frozen"));
        frozen.Process.Kill();
        foreach (var holder in holders)
        {
            await holder.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnInstanceStopsWithinTenSecondsWhileRedisIsDown()
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var cluster = await TestCluster.StartAsync(silo, redis, "combined");
        var instance = cluster.Instances[0];
        await using var member = await instance.ConnectAsync();
        var room = Rooms.Fresh("redis-gone");
        await member.JoinAsync(room, "Member");
        await member.SendAsync(room, "stored before Redis went away");

        await redis.DisposeAsync();
        instance.Process.Terminate();

        Assert.Equal(0, await instance.Process.WaitForExitAsync(CloudRunGrace, "an instance after SIGTERM, Redis gone"));
    }
}
