using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>One user's tab on the chat page: a browser context with a single page, closed on dispose.</summary>
public sealed class ChatTab(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private bool _closed;

    public IPage Page { get; } = page;

    /// <summary>The chat messages on screen (not the notices), oldest first.</summary>
    public ILocator Messages => Page.Locator("#messages li.message");

    public ILocator Notices => Page.Locator("#messages li.notice");

    public ILocator Members => Page.Locator("#members li");

    public ILocator Status => Page.Locator("#status");

    /// <summary>
    /// Fills in the sign-in form, presses Join and waits until the room is on screen and connected: the form
    /// gives way to the chat, which was not shown before.
    /// </summary>
    public async Task SignInAsync(string user, string room)
    {
        var signIn = Page.Locator("#sign-in");
        var chat = Page.Locator("#chat");
        await Expect(chat).ToBeHiddenAsync();
        await Page.Locator("#user").FillAsync(user);
        await Page.Locator("#room").FillAsync(room);
        await signIn.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(chat).ToBeVisibleAsync();
        await Expect(signIn).ToBeHiddenAsync();
        await Expect(Page.Locator("#sign-in-error")).ToBeEmptyAsync();
        await Expect(Status).ToHaveTextAsync("connected");
    }

    /// <summary>Types <paramref name="text"/> into the composer and presses Enter, as a user sends.</summary>
    public async Task TypeAndPressEnterAsync(string text)
    {
        var composer = Page.Locator("#text");
        await composer.FillAsync(text);
        await composer.PressAsync("Enter");
        await Expect(composer).ToHaveValueAsync("");
    }

    /// <summary>Saves a screenshot of the page to bin/…/screenshots/<paramref name="name"/>.png, next to the test assembly.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", $"{name}.png");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
    }

    /// <summary>Closes the tab as a user closing it would: its connection to the server ends.</summary>
    public async Task CloseAsync()
    {
        if (!_closed)
        {
            _closed = true;
            await context.CloseAsync();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}
