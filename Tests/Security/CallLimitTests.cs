using Microsoft.AspNetCore.SignalR;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>Every hub call has a per-connection limit; a refusal says how long to wait, and the connection goes on.</summary>
public sealed class CallLimitTests
{
    private static Task<TestChatServer> StartAsync(string limit) => TestChatServer.StartAsync(new Dictionary<string, string?>
    {
        [$"Limits:{limit}:Burst"] = "3",
        [$"Limits:{limit}:Refill"] = "1",
        [$"Limits:{limit}:RefillPeriod"] = "01:00:00",
    });

    [Fact]
    public async Task JoinsRenamesIncludedPastTheLimitAreRefusedWithTheWaitAndTheConnectionGoesOn()
    {
        await using var server = await StartAsync("JoinsPerConnection");
        var room = Rooms.Fresh("join-limit");
        await using var ana = await server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ana.JoinAsync(room, "Ana 2");
        await ana.JoinAsync(room, "Ana 3");

        var refused = await Assert.ThrowsAsync<HubException>(() => ana.JoinAsync(Rooms.Fresh("join-limit-other"), "Ana"));
        var sent = await ana.SendAsync(room, "still here");

        Assert.Matches(@"rate: a connection may join 3 times at once and 1 more per 01:00:00; retry in \d+ s \(retryAfterMs=\d+\)$", refused.Message);
        Assert.Equal("Ana 3", sent.User);
    }

    [Fact]
    public async Task HistoryPagesPastTheLimitAreRefusedWithTheWait()
    {
        await using var server = await StartAsync("HistoryPerConnection");
        var room = Rooms.Fresh("history-limit");
        await using var ana = await server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        for (var i = 0; i < 3; i++)
        {
            await ana.HistoryAsync(room, 10, 10);
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => ana.HistoryAsync(room, 10, 10));

        Assert.Matches(@"rate: a connection may read history 3 times at once .*\(retryAfterMs=\d+\)$", refused.Message);
    }

    [Fact]
    public async Task LeavesPastTheLimitAreRefusedWithTheWait()
    {
        await using var server = await StartAsync("LeavesPerConnection");
        await using var ana = await server.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await ana.LeaveAsync(Rooms.Fresh("leave-limit"));
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => ana.LeaveAsync(Rooms.Fresh("leave-limit")));

        Assert.Matches(@"rate: a connection may leave 3 times at once .*\(retryAfterMs=\d+\)$", refused.Message);
    }

    [Fact]
    public async Task ARenameIsAnnouncedAsTheOldNameLeavingAndTheNewOneJoiningAndOnlyTheNewOneIsListed()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = Rooms.Fresh("rename");
        await using var watcher = await server.ConnectAsync();
        await using var ana = await server.ConnectAsync();
        await watcher.JoinAsync(room, "Watcher");
        await ana.JoinAsync(room, "Ana");
        for (var i = 1; i <= 5; i++)
        {
            await ana.JoinAsync(room, $"Ana {i}");
        }

        var notices = await watcher.Notifications.WaitUntilAsync(n => n.Any(x => x.User == "Ana 5"), "the last rename");
        var members = (await watcher.JoinAsync(room, "Watcher")).Members;

        Assert.Equal(
            ["joined Watcher", "joined Ana", "left Ana", "joined Ana 1", "left Ana 1", "joined Ana 2", "left Ana 2", "joined Ana 3", "left Ana 3", "joined Ana 4", "left Ana 4", "joined Ana 5"],
            notices.Select(n => $"{n.Kind} {n.User}"));
        Assert.Equal(["Watcher", "Ana 5"], members);
    }
}
