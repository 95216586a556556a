using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansChat.Tests.Redis;

/// <summary>Redis restarts empty under live members (no archive) and the room reactivates: it starts over, and every member is told.</summary>
public sealed class EpochChangeTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task LiveMembersAreToldThatTheHistoryStartedOverAndGetTheNewMessagesAfterJoiningAgain()
    {
        var room = Rooms.Fresh("epoch-change");
        var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Orleans:ServiceId"] = $"epoch-change-{Guid.NewGuid():N}",
            ["Orleans:AdvertisedIP"] = "127.0.0.1",
            ["Relay:PresenceRenewalPeriod"] = "00:00:01",
        });
        try
        {
            await using var ana = await server.ConnectAsync();
            await using var ben = await server.ConnectAsync();
            var before = await ana.JoinAsync(room, "Ana");
            await ben.JoinAsync(room, "Ben");
            for (var i = 1; i <= 3; i++)
            {
                await ana.SendAsync(room, $"before {i}", $"before-{i}");
            }

            await ben.WaitForSeqAsync(room, 3);
            await using (var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true"))
            {
                await admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
            }

            // The room's activation would put its window back (RollbackTests); one that is gone cannot, and
            // the next starts a new epoch from the empty Redis.
            await server.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(room).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            var first = await ana.SendRetryingWhileBusyAsync(room, "after the restart", "after-1");
            var reset = (await ben.Resets.WaitUntilAsync(r => r.Any(x => x.Room == room && x.Reason == RoomReset.StartedOver), "a reset of the room")).Last();
            var rejoined = await ben.JoinAsync(room, "Ben");
            var second = await ana.SendAsync(room, "and live", "after-2");
            var live = await ben.Messages.WaitUntilAsync(messages => messages.Any(m => m.Id == "after-2"), "the new epoch's second message, live");

            Assert.Equal(1, first.Seq);
            Assert.NotEqual(before.Epoch, reset.Epoch);
            Assert.Equal(reset.Epoch, rejoined.Epoch);
            Assert.Equal(["after the restart"], rejoined.Messages.Select(m => m.Text));
            Assert.Equal(["before 1", "before 2", "before 3"], live.Take(3).Select(m => m.Text));
            Assert.Equal("and live", live.Last().Text);
            Assert.Equal(2, second.Seq);
        }
        finally
        {
            // The silo cannot leave a membership table that Redis lost, and its stop waits a minute for it
            // (docs/archive.md); nothing else uses this server, so the stop goes on in the background.
            _ = server.DisposeAsync().AsTask();
        }
    }
}
