using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>
/// Each abuse limit refuses the first request over it with its documented error and affects no one else.
/// Refill periods of an hour keep tokens from coming back while a test runs.
/// </summary>
public sealed class LimitTests
{
    [Fact]
    public async Task AMessageOverAConnectionsRateIsRefusedAndOthersAreUnaffected()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerConnection:Burst"] = "3",
            ["Limits:MessagesPerConnection:Refill"] = "1",
            ["Limits:MessagesPerConnection:RefillPeriod"] = "01:00:00",
        });
        var room = Rooms.Fresh("connection-rate");
        await using var ana = await server.ConnectAsync();
        await using var ben = await server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");

        for (var i = 1; i <= 3; i++)
        {
            await ana.SendAsync(room, $"allowed {i}");
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => ana.SendAsync(room, "one too many"));
        var bens = await ben.SendAsync(room, "Ben is not limited by Ana");

        Assert.Matches(@"HubException: rate: a connection may send 3 messages at once and 1 more per 01:00:00; retry in \d+ s \(retryAfterMs=\d+\)$", refused.Message);
        Assert.Equal(4, bens.Seq);
        Assert.DoesNotContain(await ben.WaitForSeqAsync(room, 4), m => m.Text == "one too many");
    }

    [Fact]
    public async Task AMessageOverARoomsRateIsRefusedWhoeverSendsIt()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Room:Messages:Burst"] = "4",
            ["Room:Messages:Refill"] = "1",
            ["Room:Messages:RefillPeriod"] = "01:00:00",
        });
        var (room, quiet) = (Rooms.Fresh("room-rate"), Rooms.Fresh("other-room"));
        await using var ana = await server.ConnectAsync();
        await using var ben = await server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");
        await ben.JoinAsync(quiet, "Ben");

        for (var i = 1; i <= 2; i++)
        {
            await ana.SendAsync(room, $"Ana {i}");
            await ben.SendAsync(room, $"Ben {i}");
        }

        var refusedAna = await Assert.ThrowsAsync<HubException>(() => ana.SendAsync(room, "over the room's rate"));
        var refusedBen = await Assert.ThrowsAsync<HubException>(() => ben.SendAsync(room, "also over it"));
        var elsewhere = await ben.SendAsync(quiet, "another room has its own budget");

        // Refused by the room's budget, or by the sender's share of it (FairShareTests).
        Assert.All(new[] { refusedAna.Message, refusedBen.Message }, refusal =>
        {
            Assert.Matches(@"HubException: rate: a room('s messages \(| accepts )4 messages at once and 1 more per 01:00:00", refusal);
            Assert.Matches(@"\(retryAfterMs=\d+\)$", refusal);
        });
        Assert.Equal(1, elsewhere.Seq);
        Assert.Equal(4, (await ana.JoinAsync(room, "Ana")).LastSeq);
    }

    [Fact]
    public async Task AConnectionCannotBeInMoreRoomsThanTheLimit()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?> { ["Limits:RoomsPerConnection"] = "2" });
        await using var ana = await server.ConnectAsync();
        var (first, second, third) = (Rooms.Fresh("one"), Rooms.Fresh("two"), Rooms.Fresh("three"));
        await ana.JoinAsync(first, "Ana");
        await ana.JoinAsync(second, "Ana");

        var refused = await Assert.ThrowsAsync<HubException>(() => ana.JoinAsync(third, "Ana"));
        var rejoin = await ana.JoinAsync(second, "Ana");
        await ana.LeaveAsync(first);
        var afterLeaving = await ana.JoinAsync(third, "Ana");

        Assert.EndsWith("HubException: room: a connection may be in at most 2 rooms; leave one first", refused.Message);
        Assert.Equal(second, rejoin.Room);
        Assert.Equal(third, afterLeaving.Room);
    }

    [Fact]
    public async Task AnAddressCannotHoldMoreConnectionsThanTheLimit()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?> { ["Limits:ConnectionsPerAddress"] = "3" });
        var open = new List<ChatTestClient>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await server.ConnectAsync());
        }

        var refused = await RawHubSocket.RefusalAsync(server.Address, origin: null);
        var room = Rooms.Fresh("held");
        await open[0].JoinAsync(room, "Ana");

        Assert.Equal(429, refused);
        Assert.Equal(1, (await open[0].SendAsync(room, "the open ones still work")).Seq);
        foreach (var client in open)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnAddressCannotOpenConnectionsFasterThanTheLimit()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:NewConnectionsPerAddress:Burst"] = "3",
            ["Limits:NewConnectionsPerAddress:Refill"] = "1",
            ["Limits:NewConnectionsPerAddress:RefillPeriod"] = "01:00:00",
        });
        for (var i = 0; i < 3; i++)
        {
            await using var client = await server.ConnectAsync();
        }

        using var http = new HttpClient();
        var refused = await RawHubSocket.RefusalAsync(server.Address, origin: null);
        var page = await http.GetAsync(server.Address);

        Assert.Equal(429, refused);
        Assert.True(page.IsSuccessStatusCode, "the page itself is not limited");
    }

    [Fact]
    public async Task IPv6ClientsShareTheLimitsOfTheir64PrefixSoRotatingAddressesInsideItDoesNotEscapeThem()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:TrustForwardedFor"] = "true",
            ["Limits:ConnectionsPerAddress"] = "2",
        });
        await using var first = await RawHubSocket.ConnectAsync(server.Address, forwardedFor: "2001:db8:1:2::1");
        await using var second = await RawHubSocket.ConnectAsync(server.Address, forwardedFor: "2001:db8:1:2:ffff:ffff:ffff:fffe");

        var samePrefix = await RawHubSocket.RefusalAsync(server.Address, origin: null, forwardedFor: "2001:db8:1:2:abcd::7");
        await using var otherPrefix = await RawHubSocket.ConnectAsync(server.Address, forwardedFor: "2001:db8:1:3::1");
        await using var ipv4 = await RawHubSocket.ConnectAsync(server.Address, forwardedFor: "203.0.113.5");

        Assert.Equal(429, samePrefix);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, otherPrefix.State);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, ipv4.State);
    }
}
