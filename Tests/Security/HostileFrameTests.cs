using System.Text.Json;
using OrleansChat.Tests.Hub;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>Frames no real client sends, over a raw WebSocket: each is answered with an error or closes only that connection.</summary>
[Collection(ChatServerCollection.Name)]
public sealed class HostileFrameTests(ChatServerFixture fixture)
{
    private Uri Server => fixture.Server.Address;

    public static TheoryData<string, string, object?[]> BadInvocations => new()
    {
        { "unknown method", "NoSuchMethod", ["x"] },
        { "too few arguments", "Send", ["room"] },
        { "too many arguments", "Leave", ["room", "extra", 3] },
        { "wrong argument types", "Join", ["room", 42, "not a number"] },
        { "an object for a string", "Join", [new { nested = true }, "Ana", null] },
    };

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public async Task BadInvocationsAreAnsweredWithAnErrorWithoutInternalsAndTheConnectionStaysUsable(string why, string target, object?[] arguments)
    {
        var room = Rooms.Fresh("bad-call");
        await using var raw = await RawHubSocket.ConnectAsync(Server);

        await raw.InvokeAsync("1", target, arguments);
        var answer = await raw.CompletionAsync("1");
        await raw.InvokeAsync("2", "Join", room, "Ana", null);
        var joined = await raw.CompletionAsync("2");

        var error = answer?.GetProperty("error").GetString();
        Assert.False(string.IsNullOrEmpty(error), $"{why}: expected an error, got {answer}");
        Assert.StartsWith($"Failed to invoke '{target}'", error);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("OrleansChat", error);
        Assert.Equal("Ana", joined?.GetProperty("result").GetProperty("user").GetString());
    }

    [Fact]
    public async Task MalformedJsonClosesOnlyThatConnectionAndStoresNothing()
    {
        var room = Rooms.Fresh("malformed");
        await using var watcher = await fixture.Server.ConnectAsync();
        await watcher.JoinAsync(room, "Watcher");
        await using var raw = await RawHubSocket.ConnectAsync(Server);
        await raw.InvokeAsync("1", "Join", room, "Mallory", null);
        await raw.CompletionAsync("1");

        await raw.SendAsync("{\"type\":1,\"invocationId\":\"2\",\"target\":\"Send\",\"arguments\":[\"" + room + "\",\"half" + RawHubSocket.RecordSeparator);
        var close = await raw.CompletionAsync("2");
        await watcher.SendAsync(room, "still here");

        Assert.Equal(7, close?.GetProperty("type").GetInt32());
        Assert.Equal("Connection closed with an error.", close?.GetProperty("error").GetString());
        Assert.Equal(["still here"], (await watcher.WaitForSeqAsync(room, 1)).Select(m => m.Text));
    }

    [Fact]
    public async Task AFrameOverTheSizeLimitClosesOnlyThatConnectionAndStoresNothing()
    {
        var room = Rooms.Fresh("oversized");
        await using var watcher = await fixture.Server.ConnectAsync();
        await watcher.JoinAsync(room, "Watcher");
        await using var raw = await RawHubSocket.ConnectAsync(Server);
        await raw.InvokeAsync("1", "Join", room, "Mallory", null);
        await raw.CompletionAsync("1");

        await raw.InvokeAsync("2", "Send", room, new string('x', 40 * 1024), null);
        var close = await raw.CompletionAsync("2");
        var after = await watcher.SendAsync(room, "unaffected");

        Assert.Equal(7, close?.GetProperty("type").GetInt32());
        Assert.Equal(1, after.Seq);
        Assert.Equal(["unaffected"], (await watcher.WaitForSeqAsync(room, 1)).Select(m => m.Text));
    }

    [Fact]
    public async Task AHandshakeFromAForeignOriginIsRefusedAndTheOwnOriginIsAccepted()
    {
        var refused = await RawHubSocket.RefusalAsync(Server, "https://evil.example");
        await using var own = await RawHubSocket.ConnectAsync(Server, origin: $"{Server.Scheme}://{Server.Authority}");

        Assert.Equal(403, refused);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, own.State);
    }

    [Fact]
    public async Task AnOriginOnTheAllowListIsAccepted()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:AllowedOrigins:0"] = "https://chat.example.org",
        });

        await using var allowed = await RawHubSocket.ConnectAsync(server.Address, origin: "https://chat.example.org");
        var other = await RawHubSocket.RefusalAsync(server.Address, "https://chat.example.org.evil.example");

        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, allowed.State);
        Assert.Equal(403, other);
    }

    [Fact]
    public async Task ResponsesCarryAContentSecurityPolicyAndHardeningHeaders()
    {
        using var http = new HttpClient { BaseAddress = Server };

        var page = await http.GetAsync("/");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains($"connect-src 'self' ws://{Server.Authority} wss://{Server.Authority}", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
    }
}
