using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>Being in several rooms at once: the switcher, its unread counts, moving between rooms.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RoomSwitcherTests(BrowserFixture fixture)
{
    [Fact]
    public async Task AMessageInABackgroundRoomCountsAsUnreadUntilTheUserSwitchesToIt()
    {
        var design = Rooms.Fresh("design");
        var lobby = Rooms.Fresh("lobby");
        await using var ana = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", design);
        await ana.JoinAnotherRoomAsync(lobby);
        await using var ben = await fixture.Server.ConnectAsync();
        await ben.JoinAsync(design, "Ben");
        await ben.JoinAsync(lobby, "Ben");

        await ben.SendAsync(design, "Can you review the header?");
        await ben.SendAsync(design, "No rush");
        await ben.SendAsync(lobby, "Morning all");

        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["Morning all"]);
        await Expect(ana.UnreadBadge(design)).ToHaveTextAsync("2");
        await Expect(ana.UnreadBadge(lobby)).ToBeHiddenAsync();
        await Expect(ana.Page).ToHaveTitleAsync($"(2) #{lobby} · OrleansChat");
        await ana.TypeAndPressEnterAsync("Morning Ben");
        await ana.ScreenshotAsync(nameof(AMessageInABackgroundRoomCountsAsUnreadUntilTheUserSwitchesToIt));

        await ana.RoomSwitcher(design).ClickAsync();

        await Expect(ana.RoomSwitcher(design)).ToHaveAttributeAsync("aria-current", "page");
        await Expect(ana.UnreadBadge(design)).ToBeHiddenAsync();
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["Can you review the header?", "No rush"]);
        await Expect(ana.Page).ToHaveTitleAsync($"#{design} · OrleansChat");

        // Alt+Down moves to the next room from the message box, which keeps the room's own draft.
        await ana.Page.Locator("#text").FillAsync("a draft for the design room");
        await ana.Page.Locator("#text").PressAsync("Alt+ArrowDown");
        await Expect(ana.RoomSwitcher(lobby)).ToHaveAttributeAsync("aria-current", "page");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["Morning all", "Morning Ben"]);
        await Expect(ana.Page.Locator("#text")).ToHaveValueAsync("");
        await ana.Page.Locator("#text").PressAsync("Alt+ArrowUp");
        await Expect(ana.Page.Locator("#text")).ToHaveValueAsync("a draft for the design room");
    }
}
