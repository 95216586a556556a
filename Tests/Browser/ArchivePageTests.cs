using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// The page against a server with a message archive in a real PostgreSQL and a recent window of
/// <see cref="Window"/> messages: scrolling back past the window, searching a room and reading a hit in
/// context; and, against the fixture's server without an archive, what search says there.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ArchivePageTests(BrowserFixture fixture, PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const int Window = 20;
    private const int Sent = 120;
    private const int SearchPage = 20;
    private const int LighthouseSeq = 40;
    private const int PhoneWidth = 390;
    private static readonly Regex Problem = new(@"\bproblem\b");

    [Fact]
    public async Task ScrollingBackPastTheRecentWindowReachesTheFirstMessage()
    {
        var room = Rooms.Fresh("archive-scroll");
        await using var server = await StartArchivedServerAsync();
        await SendNumberedAsync(server, room);

        await using var ana = await fixture.OpenTabAsync(server.Address);
        await ana.SignInAsync("Ana", room);
        var texts = ana.Messages.Locator(".text");
        await Expect(texts.Last).ToHaveTextAsync(Text(Sent));
        for (var turn = 0; turn < 6 && await texts.CountAsync() < Sent; turn++)
        {
            var before = await texts.CountAsync();
            await ana.ScrollMessagesUpAsync();
            await Expect(texts).Not.ToHaveCountAsync(before);
        }

        await Expect(texts).ToHaveTextAsync(Enumerable.Range(1, Sent).Select(Text).ToArray());
        await Expect(ana.Page.Locator("#history-note")).ToHaveTextAsync($"This is the start of #{room}.");
        Assert.Equal(2, ana.HubCallsSent.Count(call => call == "History")); // the window's 20 came with Join; then 50 and 50
        Assert.Empty(ana.ConsoleProblems);
    }

    [Fact]
    public async Task SearchFindsAMessageOlderThanTheWindowAndShowsItInContextThenGoesBackToTheLatest()
    {
        var room = Rooms.Fresh("archive-search");
        await using var server = await StartArchivedServerAsync();
        await using var ben = await SendNumberedAsync(server, room);
        await using var ana = await fixture.OpenTabAsync(server.Address);
        await ana.SignInAsync("Ana", room);
        await Expect(ana.Messages.Locator(".text").Last).ToHaveTextAsync(Text(Sent));

        await SearchAsync(ana, "lighthouse");

        await Expect(HitTexts(ana)).ToHaveTextAsync([Text(LighthouseSeq)]);
        await Expect(ana.Page.Locator("#search-hits .hit .user")).ToHaveTextAsync(["Ben"]);
        await Expect(ana.Page.Locator("#search-hits mark")).ToHaveTextAsync(["Lighthouse"]);
        await Expect(SearchStatus(ana)).ToHaveTextAsync("1 message matches “lighthouse”, newest first");
        await Expect(ana.Page.Locator("#search-more")).ToBeHiddenAsync();

        await SearchAsync(ana, "submarine");
        await Expect(SearchStatus(ana)).ToHaveTextAsync($"No messages in #{room} match “submarine”.");
        await Expect(HitTexts(ana)).ToHaveCountAsync(0);

        await SearchAsync(ana, "LIGHTHOUSE");
        await ana.Page.Locator("#search-hits .hit").ClickAsync();

        // Ten messages before the hit and ten after, the hit marked and scrolled to.
        var context = ana.Page.Locator("#search-context li.message");
        await Expect(context.Locator(".text")).ToHaveTextAsync(
            Enumerable.Range(LighthouseSeq - 10, 21).Select(Text).ToArray());
        var found = ana.Page.Locator("#search-context li.found");
        await Expect(found.Locator(".text")).ToHaveTextAsync(Text(LighthouseSeq));
        await Expect(found.Locator("mark")).ToHaveTextAsync(["Lighthouse"]);
        await Expect(found).ToHaveAttributeAsync("aria-current", "true");
        await Expect(found).ToBeInViewportAsync();
        await Expect(found).ToBeFocusedAsync();
        await Expect(ana.Messages.Locator(".text").Last).Not.ToBeVisibleAsync();
        await ana.ScreenshotAsync(nameof(SearchFindsAMessageOlderThanTheWindowAndShowsItInContextThenGoesBackToTheLatest));

        // What is sent while Ana reads the past arrives underneath, in order.
        await ben.SendAsync(room, "Sent while Ana was reading the past");
        await ben.SendAsync(room, "And one more");
        await ana.Page.GetByRole(AriaRole.Button, new() { Name = "Back to results" }).ClickAsync();
        await Expect(HitTexts(ana)).ToHaveTextAsync([Text(LighthouseSeq)]);
        await Expect(ana.Page.Locator("#search-hits .hit")).ToBeFocusedAsync();

        await ana.Page.GetByRole(AriaRole.Button, new() { Name = "Back to latest messages" }).ClickAsync();

        await Expect(ana.Page.Locator("#search-view")).ToBeHiddenAsync();
        await Expect(ana.Page.Locator("#search-query")).ToHaveValueAsync("");
        var texts = ana.Messages.Locator(".text");
        await Expect(texts.Last).ToHaveTextAsync("And one more");
        await Expect(texts.Last).ToBeInViewportAsync();
        // However many older pages the page loaded on its own, the list runs on without a gap and in order.
        var shown = await texts.AllTextContentsAsync();
        var stored = shown.Count - 2;
        Assert.Equal(
            [.. Enumerable.Range(Sent - stored + 1, stored).Select(Text), "Sent while Ana was reading the past", "And one more"],
            shown);
        await Expect(ana.Page.Locator("#text")).ToBeFocusedAsync();
        Assert.Empty(ana.ConsoleProblems);
    }

    [Fact]
    public async Task OnAPhoneMoreResultsPageBackThroughOlderHitsAndEachRoomKeepsItsSearch()
    {
        var room = Rooms.Fresh("archive-more");
        await using var server = await StartArchivedServerAsync();
        await SendNumberedAsync(server, room);
        await using var ana = await fixture.OpenPhoneTabAsync(server.Address);
        await ana.SignInAsync("Ana", room);

        await SearchAsync(ana, "message -lighthouse");
        var more = ana.Page.Locator("#search-more");
        var newestFirst = Enumerable.Range(1, Sent).Reverse().Where(i => i != LighthouseSeq).Select(Text).ToArray();
        await Expect(HitTexts(ana)).ToHaveTextAsync(newestFirst[..SearchPage]);
        await Expect(SearchStatus(ana)).ToHaveTextAsync($"{SearchPage}+ messages match “message -lighthouse”, newest first");

        await more.ClickAsync();

        await Expect(HitTexts(ana)).ToHaveTextAsync(newestFirst[..(2 * SearchPage)]);
        // The first new hit takes the focus, so a keyboard user goes on from there.
        await Expect(ana.Page.Locator("#search-hits .hit").Nth(SearchPage)).ToBeFocusedAsync();
        Assert.Equal(2, ana.HubCallsSent.Count(call => call == "Search"));
        Assert.Equal(PhoneWidth, await ana.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
        foreach (var part in new[] { "#search-query", "#search-close", "#search-view", "#search-hits .hit >> nth=0" })
        {
            var box = await ana.Page.Locator(part).BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= PhoneWidth, $"{part} lies within the screen: {box?.X}+{box?.Width}");
        }

        await ana.ScreenshotAsync(nameof(OnAPhoneMoreResultsPageBackThroughOlderHitsAndEachRoomKeepsItsSearch));

        // Each room keeps its own search: another room shows none, and coming back shows this one as it was.
        var other = Rooms.Fresh("archive-other");
        await ana.JoinAnotherRoomAsync(other);
        await Expect(ana.Page.Locator("#search-view")).ToBeHiddenAsync();
        await Expect(ana.Page.Locator("#search-query")).ToHaveValueAsync("");
        await ana.RoomSwitcher(room).ClickAsync();
        await Expect(ana.Page.Locator("#search-query")).ToHaveValueAsync("message -lighthouse");
        await Expect(HitTexts(ana)).ToHaveTextAsync(newestFirst[..(2 * SearchPage)]);

        // Escape closes the search and empties the box.
        await ana.Page.Keyboard.PressAsync("Escape");
        await Expect(ana.Page.Locator("#search-view")).ToBeHiddenAsync();
        await Expect(ana.Page.Locator("#search-query")).ToHaveValueAsync("");
        await Expect(ana.Messages.Locator(".text").Last).ToBeInViewportAsync();
    }

    [Fact]
    public async Task WithoutAnArchiveSearchSaysTheServerHasNone()
    {
        var room = Rooms.Fresh("no-archive");
        await using var ana = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);
        await ana.TypeAndPressEnterAsync("A message search cannot reach");

        await SearchAsync(ana, "message");

        await Expect(SearchStatus(ana)).ToContainTextAsync("needs the message archive, and this server has none");
        await Expect(SearchStatus(ana)).ToHaveClassAsync(Problem);
        await Expect(ana.Page.Locator("#search-retry")).ToBeHiddenAsync();
        await Expect(HitTexts(ana)).ToHaveCountAsync(0);
        await ana.ScreenshotAsync(nameof(WithoutAnArchiveSearchSaysTheServerHasNone));

        await ana.Page.Locator("#search-query").PressAsync("Escape");
        await Expect(ana.Page.Locator("#search-view")).ToBeHiddenAsync();
        await Expect(ana.Messages.Locator(".text")).ToHaveTextAsync(["A message search cannot reach"]);
    }

    private Task<TestChatServer> StartArchivedServerAsync() => TestChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Archive"] = postgres.ConnectionString,
        ["Room:HistoryLimit"] = Window.ToString(),
    });

    /// <summary>Ben sends the <see cref="Sent"/> messages of <see cref="Text"/>, in order.</summary>
    private static async Task<ChatTestClient> SendNumberedAsync(TestChatServer server, string room)
    {
        var ben = await server.ConnectAsync();
        await ben.JoinAsync(room, "Ben");
        for (var i = 1; i <= Sent; i++)
        {
            var sent = await ben.SendAsync(room, Text(i));
            Assert.Equal(i, sent.Seq);
        }

        return ben;
    }

    private static async Task SearchAsync(ChatTab tab, string query)
    {
        var box = tab.Page.Locator("#search-query");
        await box.FillAsync(query);
        await box.PressAsync("Enter");
        await Expect(tab.Page.Locator("#search-view")).ToBeVisibleAsync();
        await Expect(SearchStatus(tab)).Not.ToHaveTextAsync("Searching…");
    }

    private static ILocator SearchStatus(ChatTab tab) => tab.Page.Locator("#search-status");

    private static ILocator HitTexts(ChatTab tab) => tab.Page.Locator("#search-hits .hit-text");

    /// <summary>The text of message <paramref name="i"/>: numbered, and the one at <see cref="LighthouseSeq"/> also mentions a lighthouse.</summary>
    private static string Text(int i) => i == LighthouseSeq ? $"message {i:000} mentions the Lighthouse" : $"message {i:000}";
}
