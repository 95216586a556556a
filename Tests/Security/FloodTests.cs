using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>One client floods with every kind of call under the default limits; another keeps chatting untouched.</summary>
public sealed class FloodTests
{
    [Fact]
    public async Task AFloodOfTypingJoinsRenamesAndNewRoomsFromOneClientLeavesAnotherClientsChatWhole()
    {
        // The default per-connection limits, not the lifted ones most tests use.
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:JoinsPerConnection:Burst"] = "20", ["Limits:JoinsPerConnection:Refill"] = "2",
            ["Limits:LeavesPerConnection:Burst"] = "20", ["Limits:LeavesPerConnection:Refill"] = "2",
            ["Limits:TypingPerConnection:Burst"] = "3", ["Limits:TypingPerConnection:Refill"] = "1", ["Limits:TypingPerConnection:RefillPeriod"] = "01:00:00",
            ["Limits:MessagesPerConnection:Burst"] = "10", ["Limits:MessagesPerConnection:Refill"] = "5",
        });
        var room = Rooms.Fresh("flood");
        await using var bo = await server.ConnectAsync();
        await using var cy = await server.ConnectAsync();
        await using var flooder = await server.ConnectAsync();
        await bo.JoinAsync(room, "Bo");
        await cy.JoinAsync(room, "Cy");
        await flooder.JoinAsync(room, "Flood");

        var flood = Task.WhenAll(Enumerable.Range(0, 400).Select(async i =>
        {
            try
            {
                Task call = (i % 4) switch
                {
                    0 => flooder.Connection.InvokeAsync("Typing", room),
                    1 => flooder.JoinAsync(room, $"Flood {i}"),
                    2 => flooder.JoinAsync(Rooms.Fresh("flood-new"), "Flood"),
                    _ => flooder.SendAsync(room, $"flood {i}"),
                };
                await call;
            }
            catch (HubException)
            {
                // Refused: what the limits are for.
            }
        }));
        List<long> acknowledged = [];
        for (var i = 1; i <= 10; i++)
        {
            acknowledged.Add((await bo.SendAsync(room, $"Bo {i}", $"bo-{i}")).Seq);
        }

        await flood;
        var seen = await cy.WaitForSeqAsync(room, acknowledged[^1]);
        var members = (await cy.JoinAsync(room, "Cy")).Members;

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"Bo {i}"), seen.Where(m => m.User == "Bo").Select(m => m.Text));
        Assert.Equal(seen.Select(m => m.Seq).Order(), seen.Select(m => m.Seq));
        Assert.Equal(3, members.Count); // Bo, Cy and the flooder under one name: no name the flood left behind
        Assert.Contains("Bo", members);
        Assert.Contains("Cy", members);
        Assert.True(cy.Typing.Items.Count <= 3, $"at most the 3 typing calls the connection may make get through; got {cy.Typing.Items.Count}");
    }
}
