using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansChat.Tests.Redis;

/// <summary>
/// A Redis failover to a replica that missed the last appends, simulated by restoring an older snapshot of
/// the room's log keys: the room must not give the lost seqs to new messages, whether it is active then
/// (it puts its window back) or not (a relay's renewal shows it, and it starts a new epoch).
/// </summary>
public sealed class RollbackTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task ALogThatWentBackIsRestoredFromTheRoomAndNoAcknowledgedSeqIsGivenToAnotherMessage()
    {
        await using var scene = await RolledBackAsync(renewalPeriod: null);

        var after = await scene.Ana.SendAsync(scene.Room, "after the failover", "id-6");
        var live = await scene.Ben.WaitForSeqAsync(scene.Room, 6);
        await using var cleo = await scene.Server.ConnectAsync();
        var resumed = await cleo.JoinAsync(scene.Room, "Cleo", since: 0);

        Assert.Equal(6, after.Seq);
        Assert.Equal(["message 1", "message 2", "message 3", "message 4", "message 5", "after the failover"], live.Select(m => m.Text));
        Assert.Equal(scene.Epoch, resumed.Epoch);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), resumed.Messages.Select(m => m.Seq));
        Assert.Equal(live, resumed.Messages);
        Assert.Equal(6, (long)await scene.Database.StringGetAsync(scene.Keys[1]));
    }

    [Fact]
    public async Task ALogThatWentBackWhileTheRoomWasNotActiveGoesOnUnderANewEpochThatLiveMembersAreToldOf()
    {
        await using var scene = await RolledBackAsync(renewalPeriod: "00:00:01");

        // The failover happened while the room was not active: its next activation (at the next renewal)
        // reads the older log, which ends at seq 3, under the same epoch.
        await scene.Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(scene.Room).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var reset = (await scene.Ben.Resets.WaitUntilAsync(r => r.Any(x => x.Room == scene.Room && x.Reason == RoomReset.StartedOver), "a reset of the room")).Last();
        var after = await scene.Ana.SendRetryingWhileBusyAsync(scene.Room, "after the failover", "id-6");
        var live = await scene.Ben.Messages.WaitUntilAsync(messages => messages.Any(m => m.Id == "id-6"), "the message sent after the failover, live");
        await using var cleo = await scene.Server.ConnectAsync();
        var fresh = await cleo.JoinAsync(scene.Room, "Cleo");

        Assert.NotEqual(scene.Epoch, reset.Epoch);
        Assert.Equal(3, reset.LastSeq);
        Assert.Equal(4, after.Seq);
        Assert.Equal(after, live.Last());
        Assert.Equal(reset.Epoch, fresh.Epoch);
        Assert.Equal(["message 1", "message 2", "message 3", "after the failover"], fresh.Messages.Select(m => m.Text));
    }

    /// <summary>
    /// Ana and Ben in a room of a Redis-mode server; Ana sent messages 1 to 5, Ben got them, and then the
    /// room's log keys went back to the snapshot taken after message 3.
    /// </summary>
    private async Task<Scene> RolledBackAsync(string? renewalPeriod)
    {
        var (serviceId, room) = ($"rollback-{Guid.NewGuid():N}", Rooms.Fresh("rollback"));
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Orleans:ServiceId"] = serviceId,
            ["Orleans:AdvertisedIP"] = "127.0.0.1",
        };
        if (renewalPeriod is not null)
        {
            settings["Relay:PresenceRenewalPeriod"] = renewalPeriod;
        }

        var server = await TestChatServer.StartAsync(settings);
        var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var database = admin.GetDatabase();
        RedisKey[] keys = [$"{serviceId}/{{{room}}}/log", $"{serviceId}/{{{room}}}/seq", $"{serviceId}/{{{room}}}/epoch"];
        var ana = await server.ConnectAsync();
        var ben = await server.ConnectAsync();
        var joined = await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");
        for (var i = 1; i <= 3; i++)
        {
            await ana.SendAsync(room, $"message {i}", $"id-{i}");
        }

        var snapshot = await Task.WhenAll(keys.Select(key => database.KeyDumpAsync(key)));
        await ana.SendAsync(room, "message 4", "id-4");
        await ana.SendAsync(room, "message 5", "id-5");
        await ben.WaitForSeqAsync(room, 5);
        for (var i = 0; i < keys.Length; i++)
        {
            await database.KeyDeleteAsync(keys[i]);
            await database.KeyRestoreAsync(keys[i], snapshot[i]!);
        }

        return new Scene(server, admin, database, keys, room, joined.Epoch, ana, ben);
    }

    private sealed record Scene(
        TestChatServer Server, ConnectionMultiplexer Admin, IDatabase Database, RedisKey[] Keys, string Room, string Epoch, ChatTestClient Ana, ChatTestClient Ben)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Ana.DisposeAsync();
            await Ben.DisposeAsync();
            await Admin.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
