using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Hub;

/// <summary>Each bad input is refused with an error naming the field; the connection stays usable and the room unchanged.</summary>
[Collection(ChatServerCollection.Name)]
public sealed class InvalidInputTests(ChatServerFixture fixture)
{
    public static TheoryData<string, string> BadCalls => new()
    {
        { "empty text", "text: must not be empty or only whitespace" },
        { "whitespace text", "text: must not be empty or only whitespace" },
        { "oversized text", "text: must be at most 2000 characters" },
        { "control character in text", "text: must not contain control characters" },
        { "room not joined", "room: join 'elsewhere' before using it" },
        { "bad room name", "room: must be 1 to 64 characters" },
        { "invisible letter in room name", "room: must not contain invisible characters (U+3164)" },
        { "empty user", "user: must be 1 to 32 characters" },
        { "oversized user", "user: must be 1 to 32 characters" },
        { "override in user", "user: must not contain invisible or direction-changing characters (U+202E)" },
        { "zero-width space in user", "user: must not contain invisible or direction-changing characters (U+200B)" },
        { "invisible letter as user", "user: must not contain invisible characters (U+3164)" },
        { "variation selector in user", "user: must not contain invisible characters (U+FE0F)" },
        { "combining grapheme joiner in user", "user: must not contain invisible characters (U+034F)" },
        { "private use in user", "user: must not contain private-use or unassigned characters (U+E000)" },
        { "piled combining marks in user", "user: must not put more than 3 combining marks on one character" },
        { "look-alike of a member", "user: 'Watcher' is in this room, and 'ＷＡＴＣＨＥＲ' differs from it only by case or by look-alike forms" },
        { "other case of a member", "user: 'Watcher' is in this room, and 'watcher' differs" },
        { "other script's look-alike of a member", "user: 'Watcher' is in this room, and 'Wаtсhеr' differs" },
        { "bad client message id", "clientMessageId: must be 1 to 64 ASCII letters" },
        { "negative since", "since: must be null or a sequence number of 0 or more" },
        { "history limit zero", "limit: must be 1 to 100" },
        { "history before zero", "beforeSeq: must be 1 or more" },
        { "history of a room not joined", "room: join 'elsewhere' before using it" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task BadInputIsRefusedAndChangesNothing(string call, string expectedError)
    {
        var room = Rooms.Fresh("bad-input");
        await using var ana = await fixture.Server.ConnectAsync();
        await using var watcher = await fixture.Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await watcher.JoinAsync(room, "Watcher");
        await ana.SendAsync(room, "before");

        var error = await Assert.ThrowsAsync<HubException>(() => Invoke(ana, room, call));

        Assert.Contains(expectedError, error.Message);
        Assert.DoesNotContain("   at ", error.Message);
        var after = await ana.SendAsync(room, "after");
        Assert.Equal(2, after.Seq);
        var received = await watcher.WaitForSeqAsync(room, 2);
        Assert.Equal(["before", "after"], received.Select(m => m.Text));
        Assert.Equal(["Ana", "Watcher"], (await watcher.JoinAsync(room, "Watcher")).Members.Order());
    }

    private static Task Invoke(ChatTestClient client, string room, string call) => call switch
    {
        "empty text" => client.SendAsync(room, ""),
        "whitespace text" => client.SendAsync(room, " \n\t "),
        "oversized text" => client.SendAsync(room, new string('x', 2001)),
        "control character in text" => client.SendAsync(room, "bell\u0007"),
        "room not joined" => client.SendAsync("elsewhere", "hello"),
        "bad room name" => client.JoinAsync("no spaces allowed", "Ana"),
        "invisible letter in room name" => client.JoinAsync("lobby\u3164", "Ana"),
        "empty user" => client.JoinAsync(room, "  "),
        "oversized user" => client.JoinAsync(room, new string('u', 33)),
        "override in user" => client.JoinAsync(room, "\u202EAna"),
        "zero-width space in user" => client.JoinAsync(room, "Ana\u200B"),
        "invisible letter as user" => client.JoinAsync(room, "\u3164"),
        "variation selector in user" => client.JoinAsync(room, "Ana\uFE0F"),
        "combining grapheme joiner in user" => client.JoinAsync(room, "An\u034Fa"),
        "private use in user" => client.JoinAsync(room, "Ana\uE000"),
        "piled combining marks in user" => client.JoinAsync(room, "Ana" + new string('\u0301', 5)),
        "look-alike of a member" => client.JoinAsync(room, "ＷＡＴＣＨＥＲ"),
        "other case of a member" => client.JoinAsync(room, "watcher"),
        "other script's look-alike of a member" => client.JoinAsync(room, "W\u0430t\u0441h\u0435r"), // Cyrillic а, с, е
        "bad client message id" => client.SendAsync(room, "hello", "not an id!"),
        "negative since" => client.JoinAsync(room, "Ana", since: -1),
        "history limit zero" => client.HistoryAsync(room, 2, 0),
        "history before zero" => client.HistoryAsync(room, 0, 10),
        "history of a room not joined" => client.HistoryAsync("elsewhere", 2, 10),
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
    };
}
