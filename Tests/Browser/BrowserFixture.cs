using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// One chat server and one headless Chromium (Debian's, at <see cref="ChromiumPath"/>) shared by the browser
/// tests. Each tab a test opens is a browser context of its own: its own storage, its own connection.
/// The server keeps <see cref="HistoryLimit"/> messages per room, more than the page shows at first, so
/// scrolling back pages through History. When Chromium is not installed the fixture fails with the command
/// that installs it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>How long a browser action or assertion waits for the page before failing.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Messages each room of <see cref="Server"/> retains.</summary>
    public const int HistoryLimit = 200;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public TestChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}. The browser tests drive a real Chromium: install it " +
                "(Debian/Ubuntu: apt-get install -y chromium) or run scripts/test.sh, which installs it.");
        }

        Assertions.SetDefaultExpectTimeout((float)Timeout.TotalMilliseconds);
        Server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Room:HistoryLimit"] = HistoryLimit.ToString(),
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", "--disable-quic",
            ],
        });
    }

    /// <summary>A new tab on the chat page, in a browser context of its own.</summary>
    /// <param name="server">The server whose page to open; the fixture's <see cref="Server"/> when null.</param>
    public Task<ChatTab> OpenTabAsync(Uri? server = null) =>
        OpenContextAsync(new() { BaseURL = (server ?? Server.Address).ToString() });

    /// <summary>A new tab on the chat page as a phone shows it: 390 x 844 CSS pixels, touch, mobile viewport.</summary>
    /// <param name="server">The server whose page to open; the fixture's <see cref="Server"/> when null.</param>
    public Task<ChatTab> OpenPhoneTabAsync(Uri? server = null) => OpenContextAsync(new()
    {
        BaseURL = (server ?? Server.Address).ToString(),
        ViewportSize = new() { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    });

    private async Task<ChatTab> OpenContextAsync(BrowserNewContextOptions options)
    {
        var context = await _browser!.NewContextAsync(options);
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return new ChatTab(context, page);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await Bounded.StopAsync(_browser.DisposeAsync(), "Closing Chromium");
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
