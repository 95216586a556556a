using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Redis;

/// <summary>Which room holds a look-alike name is stored, so a restarted service still refuses the look-alike.</summary>
public sealed class RoomNameClaimTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task ARestartedServiceStillRefusesALookAlikeOfARoomWithMessages()
    {
        var settings = redis.ServiceSettings("room-names");
        var room = Rooms.Fresh("news");
        var imitation = "n\u0435ws" + room["news".Length..]; // Cyrillic е
        await using (var first = await TestChatServer.StartAsync(settings))
        {
            await using var ana = await first.ConnectAsync();
            await ana.JoinAsync(room, "Ana");
            await ana.SendAsync(room, "stored in Redis");
        }

        await using var second = await TestChatServer.StartAsync(settings);
        await using var mallory = await second.ConnectAsync();
        var refused = await Assert.ThrowsAsync<HubException>(() => mallory.JoinAsync(imitation, "Mallory"));

        Assert.Contains($"room: '{room}' is in use", refused.Message);
    }
}
