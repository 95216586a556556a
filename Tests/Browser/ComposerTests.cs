using System.Text.RegularExpressions;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>Writing and sending: the keys, the sign-in and the message box with the keyboard alone, refusals.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ComposerTests(BrowserFixture fixture)
{
    private static readonly Regex Failed = new(@"\bfailed\b");

    [Fact]
    public async Task ARefusedMessageShowsTheServersReasonAndIsNotSent()
    {
        var room = Rooms.Fresh("refused");
        await using var ben = await fixture.Server.ConnectAsync();
        await ben.JoinAsync(room, "Ben");
        await using var ana = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);

        await ana.TypeAndPressEnterAsync("a bell \u0007 rings");
        await ana.TypeAndPressEnterAsync("and a plain one");

        var refused = ana.Messages.First;
        await Expect(refused).ToHaveClassAsync(Failed);
        await Expect(refused.Locator(".failure .reason")).ToHaveTextAsync(
            "text: must not contain control characters other than tab and line break");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["a bell \u0007 rings", "and a plain one"]);
        await ben.WaitForSeqAsync(room, 1);
        Assert.Equal(["and a plain one"], ben.Messages.Items.Select(m => m.Text));
        await ana.ScreenshotAsync(nameof(ARefusedMessageShowsTheServersReasonAndIsNotSent));

        await refused.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["and a plain one"]);
    }

    [Fact]
    public async Task SomeoneCanSignInAndChatWithTheKeyboardAlone()
    {
        var room = Rooms.Fresh("keyboard");
        await using var ana = await fixture.OpenTabAsync();
        var keyboard = ana.Page.Keyboard;

        // The name field has the focus on arrival; Tab goes to the room field, whose suggestion typing replaces.
        await Expect(ana.Page.Locator("#user")).ToBeFocusedAsync();
        await keyboard.TypeAsync("Ana");
        await keyboard.PressAsync("Tab");
        await Expect(ana.Page.Locator("#room")).ToBeFocusedAsync();
        await keyboard.PressAsync("ControlOrMeta+A");
        await keyboard.TypeAsync(room);
        await keyboard.PressAsync("Enter");

        await Expect(ana.Status).ToHaveTextAsync("connected");
        var composer = ana.Page.Locator("#text");
        await Expect(composer).ToBeFocusedAsync();
        await keyboard.TypeAsync("Two lines:");
        await keyboard.PressAsync("Shift+Enter");
        await keyboard.TypeAsync("one, two");
        await keyboard.PressAsync("Enter");

        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["Two lines:\none, two"]);
        await Expect(composer).ToHaveValueAsync("");
        await keyboard.PressAsync("Tab");
        var send = ana.Page.Locator("#composer button[type=submit]");
        await Expect(send).ToBeFocusedAsync();
        Assert.Equal("solid", await send.EvaluateAsync<string>("b => getComputedStyle(b).outlineStyle"));
        await ana.ScreenshotAsync(nameof(SomeoneCanSignInAndChatWithTheKeyboardAlone));
    }
}
