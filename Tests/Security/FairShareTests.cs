using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>One sender cannot take a room's whole message budget while others are sending.</summary>
public sealed class FairShareTests
{
    [Fact]
    public async Task AFloodingSenderGetsItsShareOfTheRoomsBudgetAndAnotherSendersMessagesStillGetThrough()
    {
        var room = Rooms.Fresh("fair-share");
        // A budget of 10 with no refill to speak of during the test.
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Room:Messages:Burst"] = "10",
            ["Room:Messages:Refill"] = "1",
            ["Room:Messages:RefillPeriod"] = "00:10:00",
        });
        await using var ana = await server.ConnectAsync();
        await using var mallory = await server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await mallory.JoinAsync(room, "Mallory");
        await ana.SendAsync(room, "hello", "ana-0");

        var flood = new List<string?>();
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await mallory.SendAsync(room, $"flood {i}", $"flood-{i}");
                flood.Add(null);
            }
            catch (HubException refused)
            {
                flood.Add(refused.Message);
            }
        }

        for (var i = 1; i <= 4; i++)
        {
            await ana.SendAsync(room, $"still here {i}", $"ana-{i}");
        }

        var refusals = flood.OfType<string>().ToList();
        Assert.Equal(5, flood.Count - refusals.Count);
        Assert.All(refusals, message => Assert.Contains("are shared among the people sending in it, and your share is spent", message));
        Assert.All(refusals, message => Assert.Matches(@"\(retryAfterMs=\d+\)$", message));
    }
}
