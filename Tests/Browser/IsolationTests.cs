using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// Every string a user controls is isolated on the page, so a name or message holding a right-to-left
/// override cannot reverse the words around it ("… just entered the room", "is typing…", "(you)").
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IsolationTests(BrowserFixture fixture)
{
    [Fact]
    public async Task NamesAndTextsOfUsersAreIsolatedInNoticesMembersMessagesAndTyping()
    {
        var room = Rooms.Fresh("isolation");
        const string name = "\u202Eevil";
        await using var ana = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);
        await using var evil = await fixture.Server.ConnectAsync();
        await evil.JoinAsync(room, name);
        await evil.SendAsync(room, "\u202Ereversed text");
        await evil.Connection.InvokeAsync("Typing", room);

        var notice = ana.Notices.Filter(new() { HasText = "just entered the room" });
        await Expect(notice.Locator("bdi")).ToHaveTextAsync(name);
        await Expect(ana.Members.Locator("bdi")).ToHaveTextAsync(["Ana", name]);
        await Expect(ana.Typing.Locator("bdi")).ToHaveTextAsync(name);
        var message = ana.Messages.Filter(new() { HasText = "reversed text" });
        await Expect(message.Locator(".user")).ToHaveAttributeAsync("dir", "auto");
        await Expect(message.Locator(".text")).ToHaveAttributeAsync("dir", "auto");
    }
}
