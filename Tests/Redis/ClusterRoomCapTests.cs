using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Redis;

/// <summary>The cap on live rooms holds across the instances of one cluster, whichever instance a room lives on.</summary>
public sealed class ClusterRoomCapTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task RoomsOpenedThroughOneInstanceCountAgainstTheCapOfAnother()
    {
        var settings = redis.ServiceSettings("cluster-cap");
        settings["Room:MaxClusterRooms"] = "3";
        settings["Room:CensusPeriod"] = "00:00:00.2";
        await using var one = await TestChatServer.StartAsync(settings);
        await using var other = await TestChatServer.StartAsync(settings);
        var rooms = Enumerable.Range(0, 3).Select(i => Rooms.Fresh($"counted{i}")).ToList();
        await using var ana = await one.ConnectAsync();
        foreach (var room in rooms)
        {
            await ana.JoinAsync(room, "Ana");
        }

        await Eventually.TrueAsync(
            () => new[] { one, other }.All(server => server.Services.GetRequiredService<ActiveRooms>().ClusterCount >= 3),
            "both instances to learn that the cluster has 3 active rooms");
        await using var ben = await other.ConnectAsync();
        var refused = await Assert.ThrowsAsync<HubException>(() => ben.JoinAsync(Rooms.Fresh("one-more"), "Ben"));
        var joined = await ben.JoinAsync(rooms[0], "Ben");

        Assert.StartsWith("rooms: the service holds its maximum of 3 active rooms across its servers", refused.Message.Split("HubException: ")[^1]);
        Assert.Equal(["Ana", "Ben"], joined.Members.Order());
    }
}
