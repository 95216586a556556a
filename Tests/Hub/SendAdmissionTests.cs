using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Tests.Grains;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Hub;

/// <summary>Over a real connection: what a sender faster than its room's storage is told, and that nothing is reordered or lost.</summary>
public sealed class SendAdmissionTests
{
    [Fact]
    public async Task ASenderFasterThanItsMessagesAreStoredIsRefusedAsBusyAtOnceAndItsOtherMessagesKeepTheirOrder()
    {
        var log = new GatedMessageLog();
        await using var server = await TestChatServer.StartAsync(services: s => s.AddSingleton<IMessageLog>(log));
        await using var client = await server.ConnectAsync();
        var room = Rooms.Fresh("busy-sender");
        await client.JoinAsync(room, "Ana");

        var held = log.HoldNextAppend();
        var first = client.SendAsync(room, "being stored", "m-0");
        await held;
        // Four may wait behind it (Limits:MaxWaitingSendsPerConnection); the hub starts a connection's calls in order.
        var waiting = Enumerable.Range(1, 4).Select(i => client.SendAsync(room, $"waiting {i}", $"m-{i}")).ToList();
        var refused = await Assert.ThrowsAsync<HubException>(() => client.SendAsync(room, "one too many", "m-5"));
        log.Release(succeed: true);
        var stored = await Task.WhenAll([first, .. waiting]);
        var retried = await client.SendAsync(room, "one too many", "m-5");

        Assert.Contains("HubException: busy: this connection's earlier messages are still being stored; retry in a moment", refused.Message);
        Assert.Equal([1L, 2, 3, 4, 5], stored.Select(m => m.Seq));
        Assert.Equal(["being stored", "waiting 1", "waiting 2", "waiting 3", "waiting 4"], stored.Select(m => m.Text));
        Assert.Equal(6, retried.Seq);
    }
}
