using System.Text.Json;
using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// Puts itself between a page and the chat hub: the page's WebSocket to <c>/hubs/chat</c> goes through it
/// to the real server, record by record (SignalR JSON records end with U+001E). It loses the server's
/// records that <c>lose</c> picks, as a lost stream would, and sends the page invocations of its own, as
/// the server would.
/// </summary>
public sealed class HubSocketRoute
{
    private const char RecordSeparator = '\u001e';
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    private readonly Func<JsonElement, bool> _lose;
    private IWebSocketRoute? _page;

    private HubSocketRoute(Func<JsonElement, bool> lose) => _lose = lose;

    /// <summary>The server's records the page got, in order.</summary>
    public Inbox<JsonElement> Delivered { get; } = new();

    /// <summary>The server's records the page did not get.</summary>
    public Inbox<JsonElement> Lost { get; } = new();

    /// <summary>The page's records, in order.</summary>
    public Inbox<JsonElement> Sent { get; } = new();

    /// <summary>Routes the hub socket of <paramref name="page"/>, which is loaded again: a route applies to documents loaded after it.</summary>
    public static async Task<HubSocketRoute> RouteAsync(IPage page, Func<JsonElement, bool> lose)
    {
        var route = new HubSocketRoute(lose);
        await page.RouteWebSocketAsync("**/hubs/chat", route.Connect);
        await page.ReloadAsync();
        return route;
    }

    /// <summary>Whether a record is the server's <c>message</c> with <paramref name="seq"/> in <paramref name="room"/>.</summary>
    public static bool IsMessage(JsonElement record, string room, long seq) =>
        IsInvocation(record, "message", out var message)
        && message.GetProperty("room").GetString() == room && message.GetProperty("seq").GetInt64() == seq;

    /// <summary>Whether a record invokes <paramref name="target"/> (client or server side); its first argument comes out.</summary>
    public static bool IsInvocation(JsonElement record, string target, out JsonElement argument)
    {
        argument = default;
        if (record.TryGetProperty("type", out var type) && type.GetInt32() == 1
            && record.GetProperty("target").GetString() == target && record.GetProperty("arguments").GetArrayLength() > 0)
        {
            argument = record.GetProperty("arguments")[0];
            return true;
        }

        return false;
    }

    /// <summary>Invokes <paramref name="target"/> on the page with <paramref name="argument"/>, as the server does.</summary>
    public void SendToPage(string target, object argument)
    {
        var page = _page ?? throw new InvalidOperationException("The page has not connected to the hub yet.");
        page.Send(JsonSerializer.Serialize(new { type = 1, target, arguments = new[] { argument } }, Wire) + RecordSeparator);
    }

    private void Connect(IWebSocketRoute page)
    {
        var server = page.ConnectToServer();
        page.OnMessage(frame =>
        {
            foreach (var record in Records(frame.Text))
            {
                Sent.Add(record);
            }

            server.Send(frame.Text ?? "");
        });
        server.OnMessage(frame =>
        {
            var kept = new List<string>();
            foreach (var (text, record) in Records(frame.Text).Select(r => (r.GetRawText(), r)))
            {
                if (_lose(record))
                {
                    Lost.Add(record);
                }
                else
                {
                    kept.Add(text + RecordSeparator);
                    Delivered.Add(record);
                }
            }

            if (kept.Count > 0)
            {
                page.Send(string.Concat(kept));
            }
        });
        _page = page;
    }

    private static List<JsonElement> Records(string? frame) =>
        [.. (frame ?? "").Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Parse)];

    private static JsonElement Parse(string record)
    {
        using var json = JsonDocument.Parse(record);
        return json.RootElement.Clone();
    }
}
