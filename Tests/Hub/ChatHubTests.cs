using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Hub;

[Collection(ChatServerCollection.Name)]
public sealed class ChatHubTests(ChatServerFixture fixture)
{
    private TestChatServer Server => fixture.Server;

    [Fact]
    public async Task SearchWithoutAnArchiveSaysItNeedsOneAndTheConnectionGoesOn()
    {
        var room = Rooms.Fresh("search-no-archive");
        await using var ana = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ana.SendAsync(room, "findable words");

        var refused = await Assert.ThrowsAsync<HubException>(() => ana.SearchAsync(room, "findable"));
        var sent = await ana.SendAsync(room, "still chatting");

        Assert.Contains("search: needs the message archive", refused.Message);
        Assert.Equal(2, sent.Seq);
    }

    [Fact]
    public async Task TwoClientsChatBothWays()
    {
        var room = Rooms.Fresh("both-ways");
        await using var ana = await Server.ConnectAsync();
        await using var ben = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");

        var first = await ana.SendAsync(room, "hi Ben");
        var second = await ben.SendAsync(room, "hi Ana");

        Assert.Equal((1, "Ana", "hi Ben"), (first.Seq, first.User, first.Text));
        Assert.Equal((2, "Ben", "hi Ana"), (second.Seq, second.User, second.Text));
        foreach (var client in new[] { ana, ben })
        {
            var received = await client.WaitForSeqAsync(room, 2);
            Assert.Equal([1L, 2L], received.Select(m => m.Seq));
            Assert.Equal(["hi Ben", "hi Ana"], received.Select(m => m.Text));
        }
    }

    [Fact]
    public async Task LateJoinerSeesTheHistoryAndTheMembers()
    {
        var room = Rooms.Fresh("late");
        await using var ana = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        for (var i = 1; i <= 3; i++)
        {
            await ana.SendAsync(room, $"message {i}");
        }

        await using var cleo = await Server.ConnectAsync();
        var joined = await cleo.JoinAsync(room, "Cleo");

        Assert.Equal(room, joined.Room);
        Assert.Equal(3, joined.LastSeq);
        Assert.Equal(["message 1", "message 2", "message 3"], joined.Messages.Select(m => m.Text));
        Assert.Equal(["Ana", "Cleo"], joined.Members.Order());
        Assert.False(string.IsNullOrEmpty(joined.Epoch));
    }

    [Fact]
    public async Task JoiningWithSinceReturnsOnlyNewerMessagesOfTheSameEpoch()
    {
        var room = Rooms.Fresh("since");
        await using var ana = await Server.ConnectAsync();
        var first = await ana.JoinAsync(room, "Ana");
        for (var i = 1; i <= 5; i++)
        {
            await ana.SendAsync(room, $"message {i}");
        }

        await using var again = await Server.ConnectAsync();
        var resumed = await again.JoinAsync(room, "Ana", since: 3);

        Assert.Equal([4L, 5L], resumed.Messages.Select(m => m.Seq));
        Assert.Equal(5, resumed.LastSeq);
        Assert.Equal(first.Epoch, resumed.Epoch);
    }

    [Fact]
    public async Task RoomNamesAreCaseInsensitiveAndTrimmed()
    {
        var room = Rooms.Fresh("case");
        await using var ana = await Server.ConnectAsync();
        await using var ben = await Server.ConnectAsync();
        var joined = await ana.JoinAsync($"  {room.ToUpperInvariant()} ", "  Ana ");
        await ben.JoinAsync(room, "Ben");

        await ben.SendAsync(room, "same room?");

        Assert.Equal((room, "Ana"), (joined.Room, joined.User));
        var received = await ana.WaitForSeqAsync(room, 1);
        Assert.Equal("same room?", received.Single().Text);
    }

    [Fact]
    public async Task JoinAndLeaveAreAnnouncedWithTheTutorialsTexts()
    {
        var room = Rooms.Fresh("presence");
        await using var ana = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        var ben = await Server.ConnectAsync();
        await ben.JoinAsync(room, "Ben");

        var joined = await ana.Notifications.WaitUntilAsync(n => n.Any(x => x.User == "Ben"), "Ben's joined notice");
        await ben.DisposeAsync();
        var left = await ana.Notifications.WaitUntilAsync(n => n.Any(x => x.User == "Ben" && x.Kind == "left"), "Ben's left notice");

        Assert.Equal(new RoomNotification(room, "joined", "Ben", "Someone's here", "Ben just entered the room"), joined.Single(n => n.User == "Ben"));
        Assert.Equal(new RoomNotification(room, "left", "Ben", "Someone just left", "Ben just left the room"), left.Last());
    }

    [Fact]
    public async Task TwoConnectionsOfOneUserAreOneMember()
    {
        var room = Rooms.Fresh("tabs");
        await using var watcher = await Server.ConnectAsync();
        await watcher.JoinAsync(room, "Watcher");
        var firstTab = await Server.ConnectAsync();
        var secondTab = await Server.ConnectAsync();
        await firstTab.JoinAsync(room, "Dana");
        var second = await secondTab.JoinAsync(room, "Dana");

        Assert.Equal(["Dana", "Watcher"], second.Members.Order());
        await firstTab.DisposeAsync();
        await secondTab.DisposeAsync();
        var notices = await watcher.Notifications.WaitUntilAsync(n => n.Any(x => x.Kind == "left"), "Dana's left notice");

        Assert.Equal(["joined", "left"], notices.Where(n => n.User == "Dana").Select(n => n.Kind));
        await using var check = await Server.ConnectAsync();
        Assert.Equal(["Check", "Watcher"], (await check.JoinAsync(room, "Check")).Members.Order());
    }

    [Fact]
    public async Task RetriedSendWithTheSameClientMessageIdIsStoredOnce()
    {
        var room = Rooms.Fresh("retry");
        await using var ana = await Server.ConnectAsync();
        await using var ben = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");

        var original = await ana.SendAsync(room, "only once", "retry-1");
        var retried = await ana.SendAsync(room, "only once", "retry-1");
        await ana.SendAsync(room, "next");

        Assert.Equal(original, retried);
        var received = await ben.WaitForSeqAsync(room, 2);
        Assert.Equal([(1L, "retry-1"), (2L, received[1].Id)], received.Select(m => (m.Seq, m.Id)));
    }

    [Fact]
    public async Task JoiningAgainOnTheSameConnectionIsHarmless()
    {
        var room = Rooms.Fresh("rejoin");
        await using var watcher = await Server.ConnectAsync();
        await watcher.JoinAsync(room, "Watcher");
        await using var ana = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        var again = await ana.JoinAsync(room, "Ana", since: 0);

        await watcher.SendAsync(room, "one");
        await watcher.SendAsync(room, "two");
        await ana.WaitForSeqAsync(room, 2);
        await watcher.SendAsync(room, "three");
        var received = await ana.WaitForSeqAsync(room, 3);
        // Notices come only through the room's stream, in order: once Cleo's has arrived, any second
        // notice of Ana's (published by the second join, before Cleo joined) would have arrived too.
        await using var cleo = await Server.ConnectAsync();
        await cleo.JoinAsync(room, "Cleo");
        var notices = await watcher.Notifications.WaitUntilAsync(n => n.Any(x => x.User == "Cleo"), "Cleo's joined notice");

        Assert.Equal(["Ana", "Watcher"], again.Members.Order());
        Assert.Equal([1L, 2L, 3L], received.Select(m => m.Seq));
        Assert.Single(notices, n => n.User == "Ana");
    }

    [Fact]
    public async Task ARuleTheRoomEnforcesReachesTheCallerAsAHubError()
    {
        var room = Rooms.Fresh("id-owner");
        await using var ana = await Server.ConnectAsync();
        await using var ben = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");
        await ana.SendAsync(room, "mine", "shared-id");

        var error = await Assert.ThrowsAsync<HubException>(() => ben.SendAsync(room, "mine too?", "shared-id"));
        var next = await ben.SendAsync(room, "my own");

        Assert.EndsWith("HubException: clientMessageId: already used by another user's message in this room", error.Message);
        Assert.Equal(2, next.Seq);
    }

    [Fact]
    public async Task AConnectionCanBeInSeveralRoomsAndLeavesAllWhenItDisconnects()
    {
        var (red, blue) = (Rooms.Fresh("red"), Rooms.Fresh("blue"));
        await using var watcher = await Server.ConnectAsync();
        await watcher.JoinAsync(red, "Watcher");
        await watcher.JoinAsync(blue, "Watcher");
        var eve = await Server.ConnectAsync();
        await eve.JoinAsync(red, "Eve");
        await eve.JoinAsync(blue, "Eve");

        await eve.SendAsync(red, "to red");
        await eve.SendAsync(blue, "to blue");
        await watcher.WaitForSeqAsync(red, 1);
        await watcher.WaitForSeqAsync(blue, 1);
        await eve.DisposeAsync();
        var notices = await watcher.Notifications.WaitUntilAsync(n => n.Count(x => x.Kind == "left") == 2, "Eve leaving both rooms");

        Assert.Equal([("to red", red), ("to blue", blue)], watcher.Messages.Items.Select(m => (m.Text, m.Room)).OrderBy(m => m.Text.Length));
        Assert.Equal([blue, red], notices.Where(n => n.Kind == "left").Select(n => n.Room).Order());
    }

    [Fact]
    public async Task LeavingStopsDeliveryAndSending()
    {
        var room = Rooms.Fresh("leave");
        await using var ana = await Server.ConnectAsync();
        await using var ben = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");

        await ben.LeaveAsync(room);
        var refused = await Assert.ThrowsAsync<HubException>(() => ben.SendAsync(room, "still here?"));
        await ana.SendAsync(room, "after Ben left");
        await ana.WaitForSeqAsync(room, 1);
        await using var probe = await Server.ConnectAsync();
        await probe.JoinAsync(room, "Probe");
        await probe.SendAsync(room, "last");
        await ana.WaitForSeqAsync(room, 2);

        Assert.Contains($"room: join '{room}' before using it", refused.Message);
        Assert.Empty(ben.Messages.Items);
    }

    [Fact]
    public async Task AFloodOfTypingCallsReachesTheOthersAsOneNoticeAndSilencesNoOneElse()
    {
        var room = Rooms.Fresh("typing-flood");
        await using var ana = await Server.ConnectAsync();
        await using var ben = await Server.ConnectAsync();
        await using var cleo = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");
        await cleo.JoinAsync(room, "Cleo");

        for (var i = 0; i < 200; i++)
        {
            await ana.Connection.InvokeAsync("Typing", room);
        }

        // Cleo's notice is published after the whole flood, on the same stream: once it is here, so is the flood.
        await cleo.Connection.InvokeAsync("Typing", room);
        var seen = await ben.Typing.WaitUntilAsync(t => t.Any(n => n.User == "Cleo"), "Cleo's typing notice after Ana's flood");

        Assert.Equal(1, seen.Count(n => n.User == "Ana"));
    }

    [Fact]
    public async Task TypingReachesTheRoomAndIsNotStored()
    {
        var room = Rooms.Fresh("typing");
        await using var ana = await Server.ConnectAsync();
        await using var ben = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");

        await ana.Connection.InvokeAsync("Typing", room);
        var typing = await ben.Typing.WaitUntilAsync(t => t.Count > 0, "Ana's typing notice");
        var refused = await Assert.ThrowsAsync<HubException>(() => ana.Connection.InvokeAsync("Typing", "elsewhere"));

        Assert.Equal(new TypingNotice(room, "Ana"), typing.Single());
        Assert.Contains("room: join 'elsewhere' before using it", refused.Message);
        Assert.Equal(0, (await ben.JoinAsync(room, "Ben")).LastSeq);
    }

    [Fact]
    public async Task HistoryPagesBackThroughOlderMessages()
    {
        var room = Rooms.Fresh("history");
        await using var ana = await Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        for (var i = 1; i <= 10; i++)
        {
            await ana.SendAsync(room, $"message {i}");
        }

        var page = await ana.HistoryAsync(room, beforeSeq: 6, limit: 3);
        var first = await ana.HistoryAsync(room, beforeSeq: 3, limit: 100);

        Assert.Equal([3L, 4L, 5L], page.Select(m => m.Seq));
        Assert.Equal([1L, 2L], first.Select(m => m.Seq));
    }

    [Fact]
    public async Task EveryJoinerGetsEveryMessageOnceWhileJoiningDuringASteadyStream()
    {
        const int perSender = 30;
        const int total = 3 * perSender; // below the retained history of 100, so every joiner can be checked against 1..total
        var room = Rooms.Fresh("race");
        var senders = new List<ChatTestClient>();
        for (var s = 0; s < 3; s++)
        {
            var sender = await Server.ConnectAsync();
            await sender.JoinAsync(room, $"Sender {s}");
            senders.Add(sender);
        }

        var sending = Task.WhenAll(senders.Select(sender => Task.Run(async () =>
        {
            for (var i = 1; i <= perSender; i++)
            {
                await sender.SendAsync(room, $"message {i}");
            }
        })));

        // Joiners arrive in waves while the messages flow, each wave all at once.
        var joiners = new List<(ChatTestClient Client, JoinResult Joined)>();
        for (var wave = 0; wave < 4; wave++)
        {
            await senders[0].WaitForSeqAsync(room, wave * 20 + 1);
            var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Server.ConnectAsync()));
            var joins = await Task.WhenAll(clients.Select((client, i) => client.JoinAsync(room, $"Joiner {wave}.{i}", since: i % 2 == 0 ? null : 0)));
            joiners.AddRange(clients.Zip(joins));
        }

        await sending;
        foreach (var (client, joined) in joiners)
        {
            // A joiner of the last wave may have found every message in its join result already.
            var live = joined.LastSeq < total ? await client.WaitForSeqAsync(room, total) : client.Messages.Items;
            var seen = joined.Messages.Concat(live).Select(m => m.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seen);
            await client.DisposeAsync();
        }

        foreach (var sender in senders)
        {
            await sender.DisposeAsync();
        }
    }
}
