using OrleansChat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class PhoneLayoutTests(BrowserFixture fixture)
{
    private const int PhoneWidth = 390;

    [Fact]
    public async Task OnAPhoneSizedScreenNothingSticksOutSideways()
    {
        var room = Rooms.Fresh("phone");
        var other = Rooms.Fresh("elsewhere");
        await using var ben = await fixture.Server.ConnectAsync();
        await ben.JoinAsync(room, "Benedict with a rather long name");
        await using var ana = await fixture.OpenPhoneTabAsync();
        await ana.SignInAsync("Ana", room);
        await ana.JoinAnotherRoomAsync(other);
        await ana.RoomSwitcher(room).ClickAsync();

        await ben.SendAsync(room, "https://example.com/" + new string('x', 300));
        await ben.SendAsync(room, "A message with\nseveral\nlines");
        await ana.TypeAndPressEnterAsync("Looks fine on my phone");
        await Expect(ana.Messages).ToHaveCountAsync(3);

        Assert.Equal(PhoneWidth, await ana.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
        Assert.Equal(PhoneWidth, await ana.Page.EvaluateAsync<int>("() => document.body.scrollWidth"));
        foreach (var part in new[] { "#status", "#sign-out", "#leave", "#members-toggle", "#search-query", "#composer button", "#messages" })
        {
            var box = await ana.Page.Locator(part).BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= PhoneWidth, $"{part} lies within the screen: {box?.X}+{box?.Width}");
        }

        var scroller = await ana.Page.Locator("#messages").BoundingBoxAsync();
        foreach (var bubble in await ana.Messages.Locator(".bubble").AllAsync())
        {
            var box = await bubble.BoundingBoxAsync();
            Assert.True(box!.X + box.Width <= scroller!.X + scroller.Width, $"a bubble ends inside the conversation: {box.X}+{box.Width}");
        }

        await ana.ScreenshotAsync(nameof(OnAPhoneSizedScreenNothingSticksOutSideways));

        // The member list opens over the conversation and Escape closes it again.
        await ana.Page.Locator("#members-toggle").ClickAsync();
        var members = ana.Page.Locator("#members-panel");
        await Expect(members).ToBeVisibleAsync();
        await Expect(ana.Members).ToHaveTextAsync(["Ana (you)", "Benedict with a rather long name"]);
        var panel = await members.BoundingBoxAsync();
        Assert.True(panel!.X >= 0 && panel.X + panel.Width <= PhoneWidth, $"the member list lies within the screen: {panel.X}+{panel.Width}");
        await ana.ScreenshotAsync(nameof(OnAPhoneSizedScreenNothingSticksOutSideways) + "-members");
        await ana.Page.Keyboard.PressAsync("Escape");
        await Expect(members).ToBeHiddenAsync();
        await Expect(ana.Page.Locator("#members-toggle")).ToBeFocusedAsync();
    }
}
