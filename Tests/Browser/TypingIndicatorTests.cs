using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class TypingIndicatorTests(BrowserFixture fixture)
{
    [Fact]
    public async Task OthersSeeWhoIsTypingUntilTheyStopButNobodySeesThemself()
    {
        // Readable names, used by this test only: its screenshot is the one in the README.
        const string room = "offsite-planning";
        const string general = "general";
        await using var ana = await fixture.OpenTabAsync();
        await using var ben = await fixture.OpenTabAsync();
        await using var cleo = await fixture.Server.ConnectAsync();
        await ana.SignInAsync("Ana", general);
        await ana.JoinAnotherRoomAsync(room);
        await ben.SignInAsync("Ben", room);
        await cleo.JoinAsync(room, "Cleo");
        await cleo.JoinAsync(general, "Cleo");
        // Notices travel apart from messages and may overtake or trail them: let them land first.
        await Expect(ana.Notices.Filter(new() { HasText = "Ben just entered the room" })).ToHaveCountAsync(1);
        await Expect(ana.Notices.Filter(new() { HasText = "Cleo just entered the room" })).ToHaveCountAsync(1);
        await cleo.SendAsync(room, "Shall we pick a date for the offsite?");
        await cleo.SendAsync(room, "I was thinking mid-June, somewhere near the lake.");
        await ben.TypeAndPressEnterAsync("June works for me.");
        await ana.TypeAndPressEnterAsync("Same here. The lake sounds lovely!");
        await Expect(ben.Messages).ToHaveCountAsync(4);
        await cleo.SendAsync(room, "Great, I'll ask the venue about the second week.");
        await cleo.SendAsync(general, "Lunch is here");

        // Consecutive messages of one sender share one header.
        await Expect(ana.Messages.Locator(".user")).ToHaveTextAsync(["Cleo", "Ben", "Ana", "Cleo"]);
        await Expect(ana.Messages).ToHaveCountAsync(5);
        await Expect(ana.UnreadBadge(general)).ToHaveTextAsync("1");

        var typingNoticesBefore = ben.HubCallsSent.Count(call => call == "Typing");
        await ben.Page.Locator("#text").PressSequentiallyAsync("How about the 14th?");
        await Expect(ana.Typing).ToHaveTextAsync("Ben is typing…");
        await cleo.Connection.InvokeAsync("Typing", room);

        await Expect(ana.Typing).ToHaveTextAsync("Ben and Cleo are typing…");
        await Expect(ben.Typing).ToHaveTextAsync("Cleo is typing…");
        await ana.ScreenshotAsync(nameof(OthersSeeWhoIsTypingUntilTheyStopButNobodySeesThemself));
        // Nineteen keys pressed well within three seconds: the room is told once.
        Assert.Equal(typingNoticesBefore + 1, ben.HubCallsSent.Count(call => call == "Typing"));

        // Sending ends Ben's "typing" at once; Cleo's ends by itself a few seconds after her notice.
        await ben.Page.Locator("#text").PressAsync("Enter");
        await Expect(ana.Messages.Locator(".text").Last).ToHaveTextAsync("How about the 14th?");
        await Expect(ana.Typing).Not.ToContainTextAsync("Ben");
        await Expect(ana.Typing).ToBeEmptyAsync();
        await Expect(ben.Typing).ToBeEmptyAsync();
        Assert.Empty(ana.ConsoleProblems);
        Assert.Empty(ben.ConsoleProblems);
    }
}
