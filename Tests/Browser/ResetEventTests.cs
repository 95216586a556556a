using System.Text.RegularExpressions;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// The server's <c>reset</c> event on the page (docs/protocol.md). The page's hub socket goes through a
/// <see cref="HubSocketRoute"/>, which loses a message on the way as a lost stream would and then hands the
/// page the reset the relay sends for such a loss.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ResetEventTests(BrowserFixture fixture)
{
    private static readonly Regex Pending = new(@"\bpending\b");

    [Fact]
    public async Task AfterASkippedResetThePageShowsWhatCameAfterTheGapAndConfirmsItsOwnMessage()
    {
        var room = Rooms.Fresh("skipped");
        await using var ana = await fixture.OpenTabAsync();
        var route = await HubSocketRoute.RouteAsync(ana.Page, record => HubSocketRoute.IsMessage(record, room, seq: 2));
        await ana.SignInAsync("Ana", room);
        await using var ben = await fixture.Server.ConnectAsync();
        var joined = await ben.JoinAsync(room, "Ben");
        await ben.SendAsync(room, "One");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["One"]);

        await ben.SendAsync(room, "Two, lost on the way");
        await route.Lost.WaitUntilAsync(lost => lost.Count == 1, "seq 2 lost on its way to the page");
        await ana.TypeAndPressEnterAsync("Mine");
        await ben.WaitForSeqAsync(room, 3);
        await ben.SendAsync(room, "Four");
        await route.Delivered.WaitUntilAsync(records => records.Any(r => HubSocketRoute.IsMessage(r, room, 4)), "seq 4 delivered to the page");
        // Waiting for seq 2, the page holds the rest back and its own message stays pending.
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["One", "Mine"]);
        await Expect(ana.Messages.Last).ToHaveClassAsync(Pending);

        route.SendToPage("reset", new RoomReset(joined.Room, RoomReset.Skipped, 2, joined.Epoch));

        await Expect(ana.Notices.Filter(new() { HasText = "Some messages could not be shown." })).ToHaveCountAsync(1);
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["One", "Mine", "Four"]);
        await Expect(ana.Messages.Nth(1)).Not.ToHaveClassAsync(Pending);
        await ben.SendAsync(room, "Five");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["One", "Mine", "Four", "Five"]);
        Assert.Empty(ana.ConsoleProblems);
        await ana.ScreenshotAsync(nameof(AfterASkippedResetThePageShowsWhatCameAfterTheGapAndConfirmsItsOwnMessage));
    }

    [Fact]
    public async Task AfterAnEpochResetThePageDropsTheRoomsTimelineAndJoinsAgainAfresh()
    {
        var room = Rooms.Fresh("epoch");
        await using var ana = await fixture.OpenTabAsync();
        var route = await HubSocketRoute.RouteAsync(ana.Page, record => HubSocketRoute.IsMessage(record, room, seq: 2));
        await ana.SignInAsync("Ana", room);
        await using var ben = await fixture.Server.ConnectAsync();
        var joined = await ben.JoinAsync(room, "Ben");
        await ben.SendAsync(room, "One");
        await ben.SendAsync(room, "Two, lost on the way");
        await route.Lost.WaitUntilAsync(lost => lost.Count == 1, "seq 2 lost on its way to the page");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["One"]);

        route.SendToPage("reset", new RoomReset(joined.Room, RoomReset.StartedOver, 0, "another-epoch"));

        await route.Sent.WaitUntilAsync(
            records => records.Count(r => HubSocketRoute.IsInvocation(r, "Join", out _)) == 2,
            "a second Join from the page");
        var rejoin = route.Sent.Items.Last(r => HubSocketRoute.IsInvocation(r, "Join", out _));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rejoin.GetProperty("arguments")[2].ValueKind);
        await Expect(ana.Notices.Filter(new() { HasText = "history started over" })).ToHaveCountAsync(1);
        // The fresh Join brings the room's history as the server has it, the lost message included.
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["One", "Two, lost on the way"]);
        await Expect(ana.Status).ToHaveTextAsync("connected");
        await ana.TypeAndPressEnterAsync("Mine");
        await Expect(ana.Messages.Last).Not.ToHaveClassAsync(Pending);
        await ben.SendAsync(room, "Four");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["One", "Two, lost on the way", "Mine", "Four"]);
        Assert.Empty(ana.ConsoleProblems);
    }
}
