using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Hub;

/// <summary>"left" waits for <c>Room:LeaveGrace</c>: a reconnect (a recycle, a deploy) announces nothing.</summary>
public sealed class LeaveGraceTests
{
    private static Task<TestChatServer> StartAsync(string grace) => TestChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Room:LeaveGrace"] = grace,
        ["Room:PresenceSweepPeriod"] = "00:00:00.100",
    });

    [Fact]
    public async Task AUserWhoReconnectsWithinTheGraceIsNeitherAnnouncedAsLeftNorAsJoinedAndStaysListed()
    {
        await using var server = await StartAsync("00:10:00");
        var room = Rooms.Fresh("leave-grace");
        await using var ana = await server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await using (var ben = await server.ConnectAsync())
        {
            await ben.JoinAsync(room, "Ben");
        }

        await using var benAgain = await server.ConnectAsync();
        var meanwhile = await ana.JoinAsync(room, "Ana");
        await benAgain.JoinAsync(room, "Ben", since: 0);
        await using var cleo = await server.ConnectAsync();
        await cleo.JoinAsync(room, "Cleo");

        // Notices of one room arrive in the order the room published them: Cleo's comes after any about Ben.
        var notices = await ana.Notifications.WaitUntilAsync(n => n.Any(x => x.User == "Cleo"), "Cleo's notice");
        Assert.Equal([(RoomNotification.Joined, "Ana"), (RoomNotification.Joined, "Ben"), (RoomNotification.Joined, "Cleo")], notices.Select(n => (n.Kind, n.User)));
        Assert.Equal(["Ana", "Ben"], meanwhile.Members);
    }

    [Fact]
    public async Task AUserWhoDoesNotComeBackIsAnnouncedAsLeftAfterTheGraceAndNoLongerListed()
    {
        await using var server = await StartAsync("00:00:00.300");
        var room = Rooms.Fresh("leave-grace-gone");
        await using var ana = await server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await using (var ben = await server.ConnectAsync())
        {
            await ben.JoinAsync(room, "Ben");
        }

        await ana.Notifications.WaitUntilAsync(n => n.Any(x => x.Kind == RoomNotification.Left && x.User == "Ben"), "Ben's departure");
        var after = await ana.JoinAsync(room, "Ana");

        Assert.Equal(["Ana"], after.Members);
    }
}
