using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>A client that stops reading is dropped after a bound and slows no one else.</summary>
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task AClientThatStopsReadingIsDroppedWhileTheOthersKeepReceiving()
    {
        const int messages = 2500;
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MaxPendingMessagesPerConnection"] = "100", // far below the 2,500 the stuck client is sent; slack for the two that read
            ["Room:HistoryLimit"] = "10", // keeps each store small, so the test spends its time on delivery
        });
        var room = Rooms.Fresh("slow-consumer");
        await using var stuck = await RawHubSocket.ConnectWithSmallReceiveBufferAsync(server.Address, receiveBufferBytes: 4096);
        await stuck.InvokeAsync("1", "Join", room, "Stuck", null);
        await stuck.CompletionAsync("1");
        await using var watcher = await server.ConnectAsync();
        await watcher.JoinAsync(room, "Watcher");
        await using var sender = await server.ConnectAsync();
        await sender.JoinAsync(room, "Sender");

        // The stuck client reads nothing from here on, while about 5 MB are sent to it.
        var text = new string('x', 1900);
        for (var i = 1; i <= messages; i++)
        {
            await sender.SendAsync(room, $"{i} {text}");
        }

        var received = await watcher.WaitForSeqAsync(room, messages);
        var stuckGot = await stuck.DrainAsync();

        Assert.Equal(Enumerable.Range(1, messages).Select(i => (long)i), received.Select(m => m.Seq));
        Assert.True(stuckGot < messages, $"the stuck client should have been dropped before all {messages} messages reached it; it got {stuckGot}");
    }
}
