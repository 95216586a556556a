using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansChat.Tests.Redis;

/// <summary>
/// Rooms opened and left without a message, however many, leave no keys behind in Redis: their own go once
/// they are unused, and their streams' subscription records (Orleans' pub/sub store, which keeps the stream
/// queue's pulling agent registered as a producer while it runs) when the instance stops.
/// </summary>
public sealed class UnusedRoomKeysTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task RoomsJoinedAndLeftWithoutAMessageLeaveNoKeysAndARoomWithAMessageKeepsItsHistory()
    {
        var serviceId = $"unused-rooms-{Guid.NewGuid():N}";
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Orleans:ServiceId"] = serviceId,
            ["Orleans:AdvertisedIP"] = "127.0.0.1",
            ["Room:PresenceSweepPeriod"] = "00:00:00.2",
        });
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var keys = admin.GetServer(admin.GetEndPoints()[0]);
        var unused = Enumerable.Range(0, 20).Select(i => Rooms.Fresh($"unused{i}")).ToList();
        var used = Rooms.Fresh("used");
        await using var mallory = await server.ConnectAsync();
        foreach (var room in unused)
        {
            await mallory.JoinAsync(room, "Mallory");
            await mallory.LeaveAsync(room);
        }

        await mallory.JoinAsync(used, "Mallory");
        await mallory.SendAsync(used, "kept", "kept-1");
        await mallory.LeaveAsync(used);
        await Eventually.TrueAsync(() => !unused.Any(room => RoomKeys(room).Any()), "every unused room's own keys to go");
        await using (var ben = await server.ConnectAsync())
        {
            var joined = await ben.JoinAsync(used, "Ben");
            Assert.Equal(["kept"], joined.Messages.Select(m => m.Text));
        }

        await mallory.DisposeAsync();
        await server.DisposeAsync();

        Assert.Empty(unused.SelectMany(room => keys.Keys(pattern: $"*{room}*")));
        Assert.NotEmpty(RoomKeys(used));
        Assert.NotEmpty(NameKeys(used));

        // A room's claim on its name is stored under the name's look-alike key, which need not contain the room's name.
        IEnumerable<RedisKey> RoomKeys(string room) => keys.Keys(pattern: $"*{room}*").Where(key => !key.ToString().Contains("/pubsubrendezvous/")).Concat(NameKeys(room));
        IEnumerable<RedisKey> NameKeys(string room) => keys.Keys(pattern: $"*roomname*{NameRules.Key(room)}*");
    }
}
