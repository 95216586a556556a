using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// One user's tab on the chat page: a browser context with a single page, closed on dispose. It records
/// which hub methods the page invokes (<see cref="HubCallsSent"/>), read from its WebSocket frames, and
/// what the page reported as going wrong (<see cref="ConsoleProblems"/>).
/// </summary>
public sealed class ChatTab : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly IBrowserContext _context;
    private readonly List<string> _hubCalls = [];
    private readonly List<string> _consoleProblems = [];
    private readonly Lock _gate = new();
    private bool _closed;

    public ChatTab(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.WebSocket += (_, socket) => socket.FrameSent += (_, frame) => RecordHubCalls(frame.Text);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Record(_consoleProblems, $"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Record(_consoleProblems, $"uncaught: {error}");
    }

    public IPage Page { get; }

    /// <summary>The chat messages of the room on screen (not the notices), oldest first.</summary>
    public ILocator Messages => Page.Locator("#messages li.message");

    public ILocator Notices => Page.Locator("#messages li.notice");

    public ILocator Members => Page.Locator("#members li");

    public ILocator Status => Page.Locator("#status");

    public ILocator Typing => Page.Locator("#typing");

    /// <summary>The "new messages" button that takes a reader who scrolled up back down.</summary>
    public ILocator Jump => Page.Locator("#jump");

    /// <summary>The room's button in the room switcher.</summary>
    public ILocator RoomSwitcher(string room) => Page.Locator($"#rooms button.room[data-room='{room}']");

    public ILocator UnreadBadge(string room) => RoomSwitcher(room).Locator(".unread");

    /// <summary>The names of the hub methods the page invoked so far ("Join", "Send", "Typing", …), in order.</summary>
    public IReadOnlyList<string> HubCallsSent => Snapshot(_hubCalls);

    /// <summary>
    /// Errors and warnings the page logged and exceptions it did not catch, e.g. the SignalR client's
    /// complaint when a handler returns a value the server never asked for.
    /// </summary>
    public IReadOnlyList<string> ConsoleProblems => Snapshot(_consoleProblems);

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

    /// <summary>Joins one more room through the room switcher's form; it becomes the room on screen.</summary>
    public async Task JoinAnotherRoomAsync(string room)
    {
        var input = Page.Locator("#new-room");
        if (!await input.IsVisibleAsync())
        {
            await Page.Locator("#add-room-toggle").ClickAsync();
        }

        await input.FillAsync(room);
        await input.PressAsync("Enter");
        await Expect(RoomSwitcher(room)).ToHaveAttributeAsync("aria-current", "page");
        await Expect(Page.Locator("#room-title")).ToHaveTextAsync(room);
    }

    /// <summary>Turns the mouse wheel over the messages, upwards, as far as one turn goes.</summary>
    public async Task ScrollMessagesUpAsync()
    {
        await Page.Locator("#messages").HoverAsync();
        await Page.Mouse.WheelAsync(0, -100_000);
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
            await _context.CloseAsync();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    /// <summary>Reads the SignalR JSON records of one frame and keeps the targets of invocations (type 1).</summary>
    private void RecordHubCalls(string? frame)
    {
        foreach (var record in (frame ?? "").Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(record);
            if (json.RootElement.TryGetProperty("type", out var type) && type.GetInt32() == 1
                && json.RootElement.TryGetProperty("target", out var target))
            {
                Record(_hubCalls, target.GetString()!);
            }
        }
    }

    private void Record(List<string> list, string item)
    {
        lock (_gate)
        {
            list.Add(item);
        }
    }

    private IReadOnlyList<string> Snapshot(List<string> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}
