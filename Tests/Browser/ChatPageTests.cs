using System.Text.RegularExpressions;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// The chat page in real Chromium against the real server. Each test uses a room of its own and one browser
/// context per user, and saves a screenshot to bin/…/screenshots/&lt;test&gt;.png (see <see cref="ChatTab.ScreenshotAsync"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(BrowserFixture fixture)
{
    private static readonly Regex Own = new(@"\bown\b");
    private static readonly Regex Pending = new(@"\bpending\b");

    [Fact]
    public async Task TwoTabsChatLive()
    {
        var room = Rooms.Fresh("two-tabs");
        await using var ana = await fixture.OpenTabAsync();
        await using var ben = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);
        await ben.SignInAsync("Ben", room);

        await ana.TypeAndPressEnterAsync("Hi Ben");
        await Expect(ben.Messages.Locator(".text")).ToHaveTextAsync(["Hi Ben"]);
        await Expect(ben.Messages.Locator(".user")).ToHaveTextAsync(["Ana"]);
        await Expect(ben.Messages.First).Not.ToHaveClassAsync(Own);

        await ben.TypeAndPressEnterAsync("Hi Ana");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["Hi Ben", "Hi Ana"]);
        await Expect(ana.Messages.Locator(".user")).ToHaveTextAsync(["Ana", "Ben"]);
        await Expect(ana.Messages.First).ToHaveClassAsync(Own);
        await Expect(ana.Messages.First).Not.ToHaveClassAsync(Pending);
        await Expect(ben.Messages.Locator(".text")).ToHaveTextAsync(["Hi Ben", "Hi Ana"]);

        foreach (var tab in new[] { ana, ben })
        {
            await Expect(tab.Status).ToHaveTextAsync("connected");
            await Expect(tab.Status).ToHaveAttributeAsync("data-state", "connected");
        }

        await Expect(ana.Members).ToHaveTextAsync(["Ana (you)", "Ben"]);
        await Expect(ben.Members).ToHaveTextAsync(["Ana", "Ben (you)"]);
        Assert.Empty(ana.ConsoleProblems);
        Assert.Empty(ben.ConsoleProblems);
        await ana.ScreenshotAsync(nameof(TwoTabsChatLive));
    }

    [Fact]
    public async Task ALateTabSeesTheHistory()
    {
        var room = Rooms.Fresh("late-tab");
        await using var ana = await fixture.OpenTabAsync();
        await using var ben = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);
        await ben.SignInAsync("Ben", room);
        await ana.TypeAndPressEnterAsync("First, from Ana");
        await Expect(ben.Messages.Locator(".text")).ToHaveTextAsync(["First, from Ana"]);
        await ben.TypeAndPressEnterAsync("Second, from Ben");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["First, from Ana", "Second, from Ben"]);

        await using var cleo = await fixture.OpenTabAsync();
        await cleo.SignInAsync("Cleo", room);

        await Expect(cleo.Messages.Locator(".text")).ToHaveTextAsync(["First, from Ana", "Second, from Ben"]);
        await Expect(cleo.Messages.Locator(".user")).ToHaveTextAsync(["Ana", "Ben"]);
        await Expect(cleo.Members).ToHaveTextAsync(["Ana", "Ben", "Cleo (you)"]);
        await cleo.ScreenshotAsync(nameof(ALateTabSeesTheHistory));
    }

    [Fact]
    public async Task ARoomWhoseNameEndsInACapitalSigmaGetsTheMessagesOfOthers()
    {
        // The server lower-cases room names with .NET's invariant rules ("ΟΔΟΣ" is "οδοσ"); JavaScript's
        // toLowerCase gives the final form ("οδος"), so the page must go by the name the server answers with.
        var room = Rooms.Fresh("ΟΔΟΣ");
        await using var ana = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);
        await using var ben = await fixture.Server.ConnectAsync();
        var joined = await ben.JoinAsync(room, "Ben");
        Assert.StartsWith("οδοσ-", joined.Room);
        await Expect(ana.Page.Locator("#room-title")).ToHaveTextAsync(joined.Room);
        await Expect(ana.Notices.Filter(new() { HasText = "Ben just entered the room" })).ToHaveCountAsync(1);
        await Expect(ana.Members).ToHaveTextAsync(["Ana (you)", "Ben"]);

        await ben.SendAsync(room, "Καλημέρα");
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["Καλημέρα"]);
        await ana.TypeAndPressEnterAsync("Καλημέρα, Ben");

        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["Καλημέρα", "Καλημέρα, Ben"]);
        await Expect(ana.Messages.Last).Not.ToHaveClassAsync(Pending);
        var seen = await ben.WaitForSeqAsync(joined.Room, 2);
        Assert.Equal(["Καλημέρα", "Καλημέρα, Ben"], seen.Select(m => m.Text));
        Assert.Empty(ana.ConsoleProblems);
        await ana.ScreenshotAsync(nameof(ARoomWhoseNameEndsInACapitalSigmaGetsTheMessagesOfOthers));
    }

    [Fact]
    public async Task UserTextIsShownAsText()
    {
        const string script = "<script>window.__pwned=1</script>";
        const string image = "<img src=x onerror=\"window.__pwned=2\">";
        var room = Rooms.Fresh("as-text");
        await using var ana = await fixture.OpenTabAsync();
        await using var ben = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);
        await ben.SignInAsync("Ben", room);

        await ana.TypeAndPressEnterAsync(script);
        await ana.TypeAndPressEnterAsync(image);

        var texts = ben.Messages.Locator(".text");
        await Expect(texts).ToHaveCountAsync(2);
        Assert.Equal([script, image], await texts.AllTextContentsAsync());
        await Expect(ben.Page.Locator("#messages img")).ToHaveCountAsync(0);
        await Expect(ben.Page.Locator("#messages script")).ToHaveCountAsync(0);
        Assert.Equal("undefined", await ben.Page.EvaluateAsync<string>("() => typeof window.__pwned"));
        Assert.Equal("undefined", await ana.Page.EvaluateAsync<string>("() => typeof window.__pwned"));
        await ben.ScreenshotAsync(nameof(UserTextIsShownAsText));
    }

    [Fact]
    public async Task JoinAndLeaveNoticesAppear()
    {
        var room = Rooms.Fresh("notices");
        await using var ben = await fixture.OpenTabAsync();
        await ben.SignInAsync("Ben", room);
        var ana = await fixture.OpenTabAsync();
        await using (ana)
        {
            await ana.SignInAsync("Ana", room);
            await Expect(ben.Notices.Filter(new() { HasText = "Ana just entered the room" })).ToHaveCountAsync(1);
            await Expect(ben.Members).ToHaveTextAsync(["Ana", "Ben (you)"]);
        }

        await Expect(ben.Notices.Filter(new() { HasText = "Ana just left the room" })).ToHaveCountAsync(1);
        await Expect(ben.Members).ToHaveTextAsync(["Ben (you)"]);
        await ben.ScreenshotAsync(nameof(JoinAndLeaveNoticesAppear));
    }
}
