using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.WebFront.Hubs;

namespace OrleansChat.Tests.Hub;

/// <summary>A join still running when its connection closes: the member must not stay behind.</summary>
public sealed class GhostJoinTests
{
    [Fact]
    public async Task AJoinThatCompletesAfterItsConnectionClosedLeavesTheRoomAtOnce()
    {
        var room = Rooms.Fresh("ghost-join");
        var log = new OpeningGate(room);
        // Renewals far apart, so only the join path itself can remove the ghost within the test.
        await using var server = await TestChatServer.StartAsync(
            new Dictionary<string, string?> { ["Relay:PresenceRenewalPeriod"] = "00:01:00", ["Room:PresenceLease"] = "00:05:00" },
            services => services.AddSingleton<IMessageLog>(log));
        var connections = server.Services.GetRequiredService<ClientConnections>();

        var ghost = await server.ConnectAsync();
        var joining = ghost.JoinAsync(room, "Ghost");
        await log.Opening;
        await ghost.DisposeAsync();
        await Eventually.TrueAsync(() => connections.OpenCount == 0, "the server to see the ghost's connection close");
        log.Open();
        await Assert.ThrowsAnyAsync<Exception>(() => joining);

        await using var watcher = await server.ConnectAsync();
        var joined = await watcher.JoinAsync(room, "Watcher");
        if (joined.Members.Contains("Ghost"))
        {
            await watcher.Notifications.WaitUntilAsync(n => n.Any(x => x.Kind == RoomNotification.Left && x.User == "Ghost"), "Ghost to leave");
        }

        var rejoined = await watcher.JoinAsync(room, "Watcher");
        Assert.Equal(["Watcher"], rejoined.Members);
    }

    /// <summary>The in-memory log, whose first read of one room waits until the test opens it.</summary>
    private sealed class OpeningGate(string room) : IMessageLog
    {
        private readonly MemoryMessageLog _log = new();
        private readonly TaskCompletionSource _opening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Opening => _opening.Task;

        public void Open() => _open.TrySetResult();

        public async Task<MessageLogTail> ReadTailAsync(string name, int limit)
        {
            if (name == room)
            {
                _opening.TrySetResult();
                await _open.Task;
            }

            return await _log.ReadTailAsync(name, limit);
        }

        public Task AppendAsync(string name, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain) =>
            _log.AppendAsync(name, expectedLastSeq, batch, retain);

        public Task ReplaceAsync(string name, MessageLogTail tail) => _log.ReplaceAsync(name, tail);

        public Task ForgetUnusedAsync(string name) => _log.ForgetUnusedAsync(name);
    }
}
