using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>Scrolling back through a room's history, and following (or not) what arrives meanwhile.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HistoryPagingTests(BrowserFixture fixture)
{
    private const int Sent = 120;
    private const int FirstPage = 50;

    [Fact]
    public async Task ScrollingToTheTopLoadsOlderMessagesUntilTheStartOfTheRoom()
    {
        var room = Rooms.Fresh("history");
        await using var ben = await fixture.Server.ConnectAsync();
        await ben.JoinAsync(room, "Ben");
        for (var i = 1; i <= Sent; i++)
        {
            await ben.SendAsync(room, Text(i));
        }

        await using var ana = await fixture.OpenTabAsync();
        await ana.SignInAsync("Ana", room);
        var texts = ana.Messages.Locator(".text");
        await Expect(texts).ToHaveCountAsync(FirstPage);
        await Expect(texts.First).ToHaveTextAsync(Text(Sent - FirstPage + 1));
        await Expect(texts.Last).ToBeInViewportAsync();
        await RecordLoadingStatesAsync(ana);

        // Each turn of the wheel reaches the top, where the page asks History for the next older page.
        for (var turn = 0; turn < 5 && await texts.CountAsync() < Sent; turn++)
        {
            var before = await texts.CountAsync();
            await ana.ScrollMessagesUpAsync();
            await Expect(texts).Not.ToHaveCountAsync(before);
        }

        await Expect(texts).ToHaveTextAsync(Enumerable.Range(1, Sent).Select(Text).ToArray());
        await Expect(ana.Page.Locator("#history-note")).ToHaveTextAsync($"This is the start of #{room}.");
        Assert.Equal(2, ana.HubCallsSent.Count(call => call == "History")); // 50, then the last 20
        Assert.True(await ana.Page.EvaluateAsync<bool>("() => window.__sawLoading"), "the spinner showed while History loaded");

        // Reading far up, a new message does not pull the view down: a button offers to go there.
        await ana.ScrollMessagesUpAsync();
        await Expect(texts.First).ToBeInViewportAsync();
        await ben.SendAsync(room, "Anyone still here?");
        await Expect(ana.Jump).ToHaveTextAsync("1 new message ↓");
        await Expect(texts.Last).ToHaveTextAsync("Anyone still here?");
        await Expect(texts.Last).Not.ToBeInViewportAsync();
        await Expect(texts.First).ToBeInViewportAsync();
        await ana.ScreenshotAsync(nameof(ScrollingToTheTopLoadsOlderMessagesUntilTheStartOfTheRoom));

        await ana.Jump.ClickAsync();
        await Expect(texts.Last).ToBeInViewportAsync();
        await Expect(ana.Jump).ToBeHiddenAsync();
        await ben.SendAsync(room, "Yes");
        await Expect(texts.Last).ToHaveTextAsync("Yes");
        await Expect(texts.Last).ToBeInViewportAsync();
        await Expect(ana.Jump).ToBeHiddenAsync();
    }

    private static string Text(int i) => $"message {i:000}";

    /// <summary>Sets window.__sawLoading once the history edge shows its spinner, however briefly.</summary>
    private static Task RecordLoadingStatesAsync(ChatTab tab) => tab.Page.EvaluateAsync("""
        () => {
            window.__sawLoading = false;
            const edge = document.getElementById("history-edge");
            new MutationObserver(() => { if (edge.dataset.state === "loading") window.__sawLoading = true; })
                .observe(edge, { attributes: true, attributeFilter: ["data-state"] });
        }
        """);
}
