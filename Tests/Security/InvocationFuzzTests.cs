using System.Text;
using System.Text.Json;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Hub;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>
/// Generated invocations, valid and not, thrown at the hub over raw WebSockets for a bounded number of
/// calls; afterwards the service still serves a normal chat and every acknowledged message is stored
/// exactly as it was acknowledged. The seed is in every failure message; FUZZ_SEED=n replays a run.
/// </summary>
[Collection(ChatServerCollection.Name)]
public sealed class InvocationFuzzTests(ChatServerFixture fixture)
{
    private const int Invocations = 400;
    private static readonly string[] Targets = ["Join", "Send", "Leave", "History", "Search", "Typing", "NoSuchMethod"];

    [Fact]
    public async Task RandomInvocationsLeaveTheServiceServingAndAcknowledgedMessagesUnchanged()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var given) ? given : Environment.TickCount;
        var trail = new List<string>();
        var unexpected = new List<string>(); // errors that are neither a broken rule nor a bad invocation
        var random = new Random(seed);
        string[] rooms = [Rooms.Fresh("fuzz-a"), Rooms.Fresh("fuzz-b")];
        var acknowledged = new List<ChatMessage>();
        var sockets = new RawHubSocket?[3];

        for (var call = 0; call < Invocations; call++)
        {
            var slot = random.Next(sockets.Length);
            if (sockets[slot] is not { State: System.Net.WebSockets.WebSocketState.Open } socket)
            {
                if (sockets[slot] is { } closed)
                {
                    await closed.DisposeAsync();
                }

                socket = sockets[slot] = await RawHubSocket.ConnectAsync(fixture.Server.Address);
            }

            var id = call.ToString();
            if (random.Next(20) == 0)
            {
                await socket.SendAsync(Garbage(random) + RawHubSocket.RecordSeparator);
                trail.Add($"{slot}: garbage");
                continue; // the server closes such a connection; the next call here opens a new one
            }

            var target = Targets[random.Next(Targets.Length)];
            var arguments = Arguments(random, target, rooms);
            await socket.InvokeAsync(id, target, arguments);
            JsonElement? answer;
            try
            {
                answer = await socket.CompletionAsync(id);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"seed {seed}: no answer to {target} on {slot} within 20 s after {string.Join(" || ", trail.TakeLast(6))}");
            }

            trail.Add($"{slot}: {target} -> {answer?.ToString()[..Math.Min(120, answer?.ToString().Length ?? 0)]}");
            if (answer?.TryGetProperty("error", out var error) == true && error.GetString()!.StartsWith("An unexpected error", StringComparison.Ordinal)
                && !error.GetString()!.Contains("HubException: ", StringComparison.Ordinal))
            {
                unexpected.Add($"{target}({JsonSerializer.Serialize(arguments)[..Math.Min(300, JsonSerializer.Serialize(arguments).Length)]})");
            }

            if (answer is { } && target == "Send"
                && answer.Value.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
            {
                acknowledged.Add(result.Deserialize<ChatMessage>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!);
            }
        }

        Assert.True(unexpected.Count == 0, $"seed {seed}: the server failed unexpectedly on {string.Join(" | ", unexpected.Take(3))}");
        Assert.True(acknowledged.Count > 0, $"seed {seed}: no message was acknowledged, so the run tested nothing stored");
        foreach (var socket in sockets.OfType<RawHubSocket>())
        {
            await socket.DisposeAsync();
        }

        await using var checker = await fixture.Server.ConnectAsync();
        foreach (var room in rooms)
        {
            var stored = (await checker.JoinAsync(room, "Checker", since: 0)).Messages;
            var mine = acknowledged.Where(m => m.Room == room).DistinctBy(m => m.Seq).OrderBy(m => m.Seq).ToList();
            Assert.True(stored.Select(m => m.Seq).SequenceEqual(Enumerable.Range(1, stored.Count).Select(i => (long)i)), $"seed {seed}: gaps in {room}");
            Assert.True(mine.All(m => stored.Contains(m)), $"seed {seed}: an acknowledged message in {room} is missing or changed");
        }

        var room0 = rooms[0];
        await using var ana = await fixture.Server.ConnectAsync();
        await ana.JoinAsync(room0, "Ana");
        var last = await checker.SendAsync(room0, "the chat still works");
        Assert.Equal("the chat still works", (await ana.WaitForSeqAsync(room0, last.Seq)).Last().Text);
    }

    private static object?[] Arguments(Random random, string target, string[] rooms)
    {
        // Half the calls are well formed, so that joins and acknowledged messages happen between the junk.
        var room = rooms[random.Next(rooms.Length)];
        if (random.Next(2) == 0)
        {
            switch (target)
            {
                case "Join": return [room, $"user {random.Next(3)}", random.Next(3) == 0 ? 0L : null];
                case "Send": return [room, $"message {random.Next(1000)}", random.Next(2) == 0 ? $"id-{random.Next(50)}" : null];
                case "History": return [room, (long)random.Next(1, 50), random.Next(1, 100)];
                case "Search": return [room, $"message {random.Next(1000)}", random.Next(2) == 0 ? (long)random.Next(1, 50) : null, random.Next(1, 100)];
            }
        }

        var count = random.Next(6) == 0 ? random.Next(5) : target switch
        {
            "Join" or "Send" or "History" => 3,
            "Search" => 4,
            "Leave" or "Typing" => 1,
            _ => random.Next(4),
        };
        var arguments = new object?[count];
        for (var i = 0; i < count; i++)
        {
            arguments[i] = random.Next(10) switch
            {
                < 4 when i == 0 => rooms[random.Next(rooms.Length)],
                < 6 => Text(random),
                6 => random.Next(-5, 200),
                7 => null,
                8 => new { nested = Text(random) },
                _ => random.NextDouble() < 0.5 ? long.MaxValue : -1,
            };
        }

        return arguments;
    }

    private static string Text(Random random)
    {
        var length = random.Next(6) == 0 ? random.Next(1500, 2500) : random.Next(0, 40);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(12) switch
            {
                0 => (char)random.Next(0, 32),          // control characters
                1 => (char)random.Next(0xD800, 0xE000), // lone surrogates
                2 => "<script>"[random.Next(8)],
                _ => (char)random.Next(32, 0x2FF),
            });
        }

        return text.ToString();
    }

    private static string Garbage(Random random) => random.Next(3) switch
    {
        0 => "{\"type\":1,\"target\":",
        1 => "not json at all",
        _ => "{\"type\":99,\"invocationId\":[]}",
    };
}
