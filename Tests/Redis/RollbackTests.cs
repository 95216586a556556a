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
        var (serviceId, room) = ($"rollback-{Guid.NewGuid():N}", Rooms.Fresh("rollback"));
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Orleans:ServiceId"] = serviceId,
            ["Orleans:AdvertisedIP"] = "127.0.0.1",
        });
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var database = admin.GetDatabase();
        RedisKey[] keys = [$"{serviceId}/{{{room}}}/log", $"{serviceId}/{{{room}}}/seq", $"{serviceId}/{{{room}}}/epoch"];
        await using var ana = await server.ConnectAsync();
        await using var ben = await server.ConnectAsync();
        var joined = await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");
        for (var i = 1; i <= 3; i++)
        {
            await ana.SendAsync(room, $"message {i}", $"id-{i}");
        }

        var snapshot = await Task.WhenAll(keys.Select(key => database.KeyDumpAsync(key)));
        await ana.SendAsync(room, "message 4", "id-4");
        await ana.SendAsync(room, "message 5", "id-5");
        for (var i = 0; i < keys.Length; i++)
        {
            await database.KeyDeleteAsync(keys[i]);
            await database.KeyRestoreAsync(keys[i], snapshot[i]!);
        }

        var after = await ana.SendAsync(room, "after the failover", "id-6");
        var live = await ben.WaitForSeqAsync(room, 6);
        await using var cleo = await server.ConnectAsync();
        var resumed = await cleo.JoinAsync(room, "Cleo", since: 0);

        Assert.Equal(6, after.Seq);
        Assert.Equal(["message 1", "message 2", "message 3", "message 4", "message 5", "after the failover"], live.Select(m => m.Text));
        Assert.Equal(joined.Epoch, resumed.Epoch);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), resumed.Messages.Select(m => m.Seq));
        Assert.Equal(live, resumed.Messages);
        Assert.Equal(6, (long)await database.StringGetAsync(keys[1]));
    }

    [Fact]
    public async Task ALogThatWentBackWhileTheRoomWasNotActiveGoesOnUnderANewEpochThatLiveMembersAreToldOf()
    {
        var (serviceId, room) = ($"rollback-{Guid.NewGuid():N}", Rooms.Fresh("rollback-inactive"));
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Orleans:ServiceId"] = serviceId,
            ["Orleans:AdvertisedIP"] = "127.0.0.1",
            ["Relay:PresenceRenewalPeriod"] = "00:00:01",
        });
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var database = admin.GetDatabase();
        RedisKey[] keys = [$"{serviceId}/{{{room}}}/log", $"{serviceId}/{{{room}}}/seq", $"{serviceId}/{{{room}}}/epoch"];
        await using var ana = await server.ConnectAsync();
        await using var ben = await server.ConnectAsync();
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

        // The failover happened while the room was not active: its next activation (at the next renewal)
        // reads the older log, which ends at seq 3, under the same epoch.
        await server.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(room).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var reset = (await ben.Resets.WaitUntilAsync(r => r.Any(x => x.Room == room && x.Reason == RoomReset.StartedOver), "a reset of the room")).Last();
        var after = await ana.SendRetryingWhileBusyAsync(room, "after the failover", "id-6");
        var live = await ben.Messages.WaitUntilAsync(messages => messages.Any(m => m.Id == "id-6"), "the message sent after the failover, live");
        await using var cleo = await server.ConnectAsync();
        var fresh = await cleo.JoinAsync(room, "Cleo");

        Assert.NotEqual(joined.Epoch, reset.Epoch);
        Assert.Equal(3, reset.LastSeq);
        Assert.Equal(4, after.Seq);
        Assert.Equal(after, live.Last());
        Assert.Equal(reset.Epoch, fresh.Epoch);
        Assert.Equal(["message 1", "message 2", "message 3", "after the failover"], fresh.Messages.Select(m => m.Text));
    }
}
