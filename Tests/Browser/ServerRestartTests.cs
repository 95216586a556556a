using System.Text.RegularExpressions;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// The page across a restart of the server it talks to: it shows that it is reconnecting, comes back on its
/// own and catches up with what it missed (Redis mode, where rooms outlive the process), or starts a room
/// over when its history was lost (embedded mode).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ServerRestartTests(BrowserFixture fixture, RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly Regex Pending = new(@"\bpending\b");

    [Fact]
    public async Task AfterARestartThePageShowsWhatWasSentMeanwhileExactlyOnceInOrder()
    {
        var room = Rooms.Fresh("restart");
        var port = FreePort.Next();
        var cluster = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Orleans:AdvertisedIP"] = "127.0.0.1",
            ["Orleans:ClusterId"] = $"restart-{Guid.NewGuid():N}",
            ["Orleans:ServiceId"] = $"restart-{Guid.NewGuid():N}",
        };
        var onThePagesPort = new Dictionary<string, string?>(cluster) { ["PORT"] = port.ToString() };

        // Ben talks to another instance of the same cluster, which stays up throughout.
        await using var other = await TestChatServer.StartAsync(cluster);
        await using var ben = await other.ConnectAsync();
        await ben.JoinAsync(room, "Ben");
        var first = await TestChatServer.StartAsync(onThePagesPort);
        await using var ana = await fixture.OpenTabAsync(first.Address);
        await ana.SignInAsync("Ana", room);
        await ben.SendAsync(room, "Before the restart");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["Before the restart"]);

        await first.DisposeAsync();
        await Expect(ana.Status).ToHaveTextAsync("reconnecting");
        await ana.TypeAndPressEnterAsync("Written while cut off");
        await Expect(ana.Messages.Last).ToHaveClassAsync(Pending);
        for (var i = 1; i <= 3; i++)
        {
            await ben.SendAsync(room, $"Sent while Ana was away {i}");
        }

        await using var restarted = await TestChatServer.StartAsync(onThePagesPort);

        await Expect(ana.Status).ToHaveTextAsync("connected");
        string[] expected =
        [
            "Before the restart", "Sent while Ana was away 1", "Sent while Ana was away 2", "Sent while Ana was away 3",
            "Written while cut off",
        ];
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(expected);
        await Expect(ana.Messages.Last).Not.ToHaveClassAsync(Pending);
        await ben.SendAsync(room, "Welcome back");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync([.. expected, "Welcome back"]);
        await ana.ScreenshotAsync(nameof(AfterARestartThePageShowsWhatWasSentMeanwhileExactlyOnceInOrder));

        // The message written while cut off was resent after the reconnect with its id, and stored once.
        var seen = await ben.WaitForSeqAsync(room, 6);
        Assert.Equal([.. expected, "Welcome back"], seen.Select(m => m.Text));
    }

    [Fact]
    public async Task AfterARestartThatLostTheHistoryThePageStartsTheRoomOver()
    {
        var room = Rooms.Fresh("lost");
        var onThePagesPort = new Dictionary<string, string?> { ["PORT"] = FreePort.Next().ToString() };
        var first = await TestChatServer.StartAsync(onThePagesPort);
        await using var ana = await fixture.OpenTabAsync(first.Address);
        await ana.SignInAsync("Ana", room);
        await using (var ben = await first.ConnectAsync())
        {
            await ben.JoinAsync(room, "Ben");
            await ben.SendAsync(room, "Kept only in memory");
            await ben.SendAsync(room, "Gone with the process");
        }

        await Expect(ana.Messages).ToHaveCountAsync(2);
        await first.DisposeAsync();
        await Expect(ana.Status).ToHaveTextAsync("reconnecting");

        // A new process, a new history: its numbers start at 1 again under another epoch.
        await using var restarted = await TestChatServer.StartAsync(onThePagesPort);
        await using var cleo = await restarted.ConnectAsync();
        await cleo.JoinAsync(room, "Cleo");
        await cleo.SendAsync(room, "First in the new history");

        await Expect(ana.Status).ToHaveTextAsync("connected");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["First in the new history"]);
        await Expect(ana.Notices.Filter(new() { HasText = "history was lost" })).ToHaveCountAsync(1);
        await cleo.SendAsync(room, "Second");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["First in the new history", "Second"]);
        await ana.ScreenshotAsync(nameof(AfterARestartThatLostTheHistoryThePageStartsTheRoomOver));
    }
}
