using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// Every string a user controls is isolated on the page, so a right-to-left name, or a message holding a
/// direction override, cannot reorder the words around it ("… just entered the room", "is typing…", "(you)").
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IsolationTests(BrowserFixture fixture)
{
    [Fact]
    public async Task NamesAndTextsOfUsersAreIsolatedInNoticesMembersMessagesAndTyping()
    {
        var room = Rooms.Fresh("isolation");
        const string name = "שרה!"; // right to left, ending in a neutral character that would move to the sentence around it
        await using var ana = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);
        await using var sara = await fixture.Server.ConnectAsync();
        await sara.JoinAsync(room, name);
        await sara.SendAsync(room, "\u202Ereversed text");
        await sara.Connection.InvokeAsync("Typing", room);

        var notice = ana.Notices.Filter(new() { HasText = "just entered the room" });
        await Expect(notice.Locator("bdi")).ToHaveTextAsync(name);
        await Expect(ana.Members.Locator("bdi")).ToHaveTextAsync(["Ana", name]);
        await Expect(ana.Typing.Locator("bdi")).ToHaveTextAsync(name);
        var message = ana.Messages.Filter(new() { HasText = "reversed text" });
        await Expect(message.Locator(".user")).ToHaveAttributeAsync("dir", "auto");
        await Expect(message.Locator(".text")).ToHaveAttributeAsync("dir", "auto");
    }
}
