using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Redis;

/// <summary>
/// Between instances a room's events reach the other instance's members because queuing them rings the
/// queue's doorbell through Redis, not because the queue is read on a timer: here an unrung queue would be read
/// only once a minute and the relays' silence checks would not run for five, past every wait of the test.
/// </summary>
public sealed class StreamDoorbellTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task MessagesReachMembersOnAnotherInstanceWithoutWaitingForTheQueuesIdleRead()
    {
        var settings = redis.ServiceSettings("doorbell");
        // Two queues over two silos: each silo reads one, so rooms' events cross between the instances.
        settings["Orleans:StreamQueues"] = "2";
        settings["Orleans:StreamPollingPeriod"] = "00:01:00";
        settings["Relay:PresenceRenewalPeriod"] = "00:05:00";
        settings["Room:PresenceLease"] = "00:30:00";
        await using var one = await TestChatServer.StartAsync(settings);
        await using var other = await TestChatServer.StartAsync(settings);
        await using var ana = await one.ConnectAsync();
        await using var ben = await other.ConnectAsync();
        var rooms = Enumerable.Range(0, 8).Select(i => Rooms.Fresh($"rung{i}")).ToList();
        foreach (var room in rooms)
        {
            await ana.JoinAsync(room, "Ana");
            await ben.JoinAsync(room, "Ben");
        }

        // One sender at a time: a member who already holds a later seq would have the missing one fetched
        // from the room as a gap, and the stream would not be what brought it.
        foreach (var room in rooms)
        {
            await ana.SendAsync(room, $"hello {room}");
        }

        await ben.Messages.WaitUntilAsync(
            messages => rooms.All(room => messages.Any(m => m.Room == room && m.User == "Ana")),
            "Ben, on the other instance, to get Ana's message in each of the 8 rooms");
        foreach (var room in rooms)
        {
            await ben.SendAsync(room, $"hi {room}");
        }

        await ana.Messages.WaitUntilAsync(
            messages => rooms.All(room => messages.Any(m => m.Room == room && m.User == "Ben")),
            "Ana, on the other instance, to get Ben's message in each of the 8 rooms");
    }
}
