using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Redis;

/// <summary>The service configured with a Redis connection string, against a real redis-server.</summary>
public sealed class RedisModeTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task AConnectionStringPutsRoomsInRedisSoANewServerContinuesTheRoom()
    {
        var settings = redis.ServiceSettings("redis-mode");
        var room = Rooms.Fresh("redis-mode");
        string epoch;
        await using (var first = await TestChatServer.StartAsync(settings))
        {
            await using var ana = await first.ConnectAsync();
            epoch = (await ana.JoinAsync(room, "Ana")).Epoch;
            await ana.SendAsync(room, "stored in Redis");
        }

        await using var second = await TestChatServer.StartAsync(settings);
        await using var ben = await second.ConnectAsync();
        await using var cleo = await second.ConnectAsync();
        var joined = await ben.JoinAsync(room, "Ben");
        await cleo.JoinAsync(room, "Cleo");
        await cleo.SendAsync(room, "and live again");

        Assert.Equal(epoch, joined.Epoch);
        Assert.Equal(["stored in Redis"], joined.Messages.Select(m => m.Text));
        Assert.Equal("and live again", (await ben.WaitForSeqAsync(room, 2)).Single().Text);
    }
}
