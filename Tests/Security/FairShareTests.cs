using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>
/// One sender cannot take a room's whole message budget while others are sending; a sender is a client
/// address (an IPv6 client: its /64 prefix), whatever names and connections it sends with.
/// </summary>
public sealed class FairShareTests
{
    // A budget of 10 with no refill to speak of during a test; clients' addresses as a load balancer reports them.
    private static readonly Dictionary<string, string?> SmallBudget = new()
    {
        ["Room:Messages:Burst"] = "10",
        ["Room:Messages:Refill"] = "1",
        ["Room:Messages:RefillPeriod"] = "00:10:00",
        ["Limits:TrustForwardedFor"] = "true",
    };

    [Fact]
    public async Task AFloodingSenderGetsItsShareOfTheRoomsBudgetAndAnotherSendersMessagesStillGetThrough()
    {
        var room = Rooms.Fresh("fair-share");
        await using var server = await TestChatServer.StartAsync(SmallBudget);
        await using var ana = await server.ConnectAsync(forwardedFor: "203.0.113.5");
        await using var mallory = await server.ConnectAsync(forwardedFor: "198.51.100.7");
        await ana.JoinAsync(room, "Ana");
        await mallory.JoinAsync(room, "Mallory");
        await ana.SendAsync(room, "hello", "ana-0");

        var flood = await FloodAsync(room, [mallory], 20);
        for (var i = 1; i <= 4; i++)
        {
            await ana.SendAsync(room, $"still here {i}", $"ana-{i}");
        }

        var refusals = flood.OfType<string>().ToList();
        Assert.Equal(5, flood.Count - refusals.Count);
        Assert.All(refusals, message => Assert.Contains("are shared among the people sending in it, and your share is spent", message));
        Assert.All(refusals, message => Assert.Matches(@"\(retryAfterMs=\d+\)$", message));
    }

    [Fact]
    public async Task OneAddressGetsOneShareWhateverNamesAndConnectionsItSendsWith()
    {
        var room = Rooms.Fresh("one-share");
        await using var server = await TestChatServer.StartAsync(SmallBudget);
        await using var ana = await server.ConnectAsync(forwardedFor: "203.0.113.5");
        await ana.JoinAsync(room, "Ana");
        // Four names on four connections from four addresses of one IPv6 /64.
        await using var mallory1 = await server.ConnectAsync(forwardedFor: "2001:db8:1:2::1");
        await using var mallory2 = await server.ConnectAsync(forwardedFor: "2001:db8:1:2::2");
        await using var mallory3 = await server.ConnectAsync(forwardedFor: "2001:db8:1:2:ffff::3");
        await using var mallory4 = await server.ConnectAsync(forwardedFor: "2001:db8:1:2:abcd:ef01:2345:6789");
        ChatTestClient[] mallory = [mallory1, mallory2, mallory3, mallory4];
        for (var i = 0; i < mallory.Length; i++)
        {
            await mallory[i].JoinAsync(room, $"Mallory {i + 1}");
        }

        await ana.SendAsync(room, "hello", "ana-0");
        var flood = await FloodAsync(room, mallory, 20);
        for (var i = 1; i <= 4; i++)
        {
            await ana.SendAsync(room, $"still here {i}", $"ana-{i}");
        }

        Assert.Equal(5, flood.Count(refusal => refusal is null));
    }

    /// <summary>Sends <paramref name="count"/> messages in turn from <paramref name="connections"/>; each one's refusal, or null when it was stored.</summary>
    private static async Task<List<string?>> FloodAsync(string room, IReadOnlyList<ChatTestClient> connections, int count)
    {
        var outcomes = new List<string?>();
        for (var i = 0; i < count; i++)
        {
            try
            {
                await connections[i % connections.Count].SendAsync(room, $"flood {i}", $"flood-{i}");
                outcomes.Add(null);
            }
            catch (HubException refused)
            {
                outcomes.Add(refused.Message);
            }
        }

        return outcomes;
    }
}
