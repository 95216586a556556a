using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Grains;

[Collection(RoomClusterCollection.Name)]
public sealed class RoomGrainTests(RoomClusterFixture fixture)
{
    private const string Relay = "relay-a";

    private IRoomGrain Room(string name) => fixture.Client.GetGrain<IRoomGrain>(name);

    [Fact]
    public async Task MessagesAreNumberedFromOneWithoutGaps()
    {
        var room = Room(Rooms.Fresh("seq"));

        var sent = new List<ChatMessage>();
        for (var i = 0; i < 4; i++)
        {
            sent.Add(await room.SendAsync("Ana", $"message {i}", null, "Ana"));
        }

        Assert.Equal([1L, 2L, 3L, 4L], sent.Select(m => m.Seq));
        Assert.Equal(4, sent.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task HistoryKeepsOnlyTheConfiguredNumberOfRecentMessages()
    {
        var name = Rooms.Fresh("bound");
        var room = Room(name);
        for (var i = 1; i <= RoomClusterFixture.HistoryLimit + 3; i++)
        {
            await room.SendAsync("Ana", $"message {i}", null, "Ana");
        }

        var joined = await room.JoinAsync(Relay, "connection-1", "Ben", sinceSeq: null);

        Assert.Equal([4L, 5L, 6L, 7L, 8L], joined.Messages.Select(m => m.Seq));
        Assert.Equal(8, joined.LastSeq);
        Assert.Empty(await room.GetHistoryAsync(beforeSeq: 4, limit: 10));
    }

    [Fact]
    public async Task HistoryAndEpochSurviveDeactivation()
    {
        var room = Room(Rooms.Fresh("persist"));
        await room.SendAsync("Ana", "kept", "kept-1", "Ana");
        var before = await room.JoinAsync(Relay, "connection-1", "Ana", null);
        await room.LeaveAsync("connection-1");

        await fixture.Cluster.DeactivateAsync(room);
        var after = await room.JoinAsync(Relay, "connection-2", "Ana", null);
        var next = await room.SendAsync("Ana", "after reactivation", null, "Ana");

        Assert.Equal(before.Epoch, after.Epoch);
        Assert.Equal(["kept"], after.Messages.Select(m => m.Text));
        Assert.Equal(2, next.Seq);
        Assert.Equal(next, await room.SendAsync("Ana", "after reactivation", next.Id, "Ana"));
    }

    [Fact]
    public async Task ARetryIsRecognizedAfterItsMessageLeftTheHistoryWindow()
    {
        var room = Room(Rooms.Fresh("retry-late"));
        var original = await room.SendAsync("Ana", "sent before a long reconnect", "late-retry-1", "Ana");
        for (var i = 0; i < RoomClusterFixture.HistoryLimit * 2; i++)
        {
            await room.SendAsync("Ben", $"meanwhile {i}", null, "Ben");
        }

        var retried = await room.SendAsync("Ana", "sent before a long reconnect", "late-retry-1", "Ana");
        var next = await room.SendAsync("Ana", "next", null, "Ana");

        Assert.Equal(original, retried);
        Assert.Equal(original.Seq + RoomClusterFixture.HistoryLimit * 2 + 1, next.Seq);
    }

    [Fact]
    public async Task SendingAgainWithAnAcceptedClientMessageIdReturnsTheOriginalAndPublishesNothing()
    {
        var name = Rooms.Fresh("idempotent");
        var room = Room(name);
        var recorder = await RoomEventRecorder.SubscribeAsync(fixture.Client, name);

        var original = await room.SendAsync("Ana", "once", "client-id-1", "Ana");
        var retried = await room.SendAsync("Ana", "once, retried", "client-id-1", "Ana");
        var next = await room.SendAsync("Ana", "next", null, "Ana");
        var events = await recorder.Events.WaitUntilAsync(e => e.Any(x => x.Message?.Seq == 2), "message seq 2 on the stream");

        Assert.Equal(original, retried);
        Assert.Equal(2, next.Seq);
        Assert.Equal([1L, 2L], events.Select(e => e.Message!.Seq));
        await recorder.UnsubscribeAsync();
    }

    [Fact]
    public async Task AClientMessageIdOfAnotherUserIsRefused()
    {
        var room = Room(Rooms.Fresh("id-owner"));
        await room.SendAsync("Ana", "mine", "shared-id", "Ana");

        var error = await Assert.ThrowsAsync<ChatRuleException>(() => room.SendAsync("Ben", "also mine?", "shared-id", "Ben"));

        Assert.Equal("clientMessageId: already used by another user's message in this room", error.Message);
        Assert.Equal(1, (await room.JoinAsync(Relay, "connection-1", "Ana", null)).LastSeq);
    }

    [Fact]
    public async Task PresenceIsPerUserAcrossConnectionsAndAnnouncedOnTheStream()
    {
        var name = Rooms.Fresh("members");
        var room = Room(name);
        var recorder = await RoomEventRecorder.SubscribeAsync(fixture.Client, name);

        await room.JoinAsync(Relay, "tab-1", "Ana", null);
        await room.JoinAsync(Relay, "tab-2", "Ana", null);
        var withBen = await room.JoinAsync(Relay, "ben-1", "Ben", null);
        await room.LeaveAsync("tab-1");
        var afterOneTab = await room.JoinAsync(Relay, "ben-1", "Ben", null);
        await room.LeaveAsync("tab-2");
        await room.LeaveAsync("never-joined");
        var events = await recorder.Events.WaitUntilAsync(e => e.Count(x => x.Notification is not null) >= 3, "three notifications");

        Assert.Equal(["Ana", "Ben"], withBen.Members);
        Assert.Equal(["Ana", "Ben"], afterOneTab.Members);
        Assert.Equal(
            [
                RoomNotification.UserJoined(name, "Ana"),
                RoomNotification.UserJoined(name, "Ben"),
                RoomNotification.UserLeft(name, "Ana"),
            ],
            events.Select(e => e.Notification));
        Assert.Equal("Ana just entered the room", events[0].Notification!.Description);
        await recorder.UnsubscribeAsync();
    }

    [Fact]
    public async Task TheStreamCarriesMessagesAndNotificationsInTheOrderTheyHappened()
    {
        var name = Rooms.Fresh("stream");
        var room = Room(name);
        var recorder = await RoomEventRecorder.SubscribeAsync(fixture.Client, name);

        await room.JoinAsync(Relay, "ana-1", "Ana", null);
        var hello = await room.SendAsync("Ana", "hello", null, "Ana");
        await room.LeaveAsync("ana-1");
        var events = await recorder.Events.WaitUntilAsync(e => e.Count == 3, "joined, message, left");

        Assert.Equal(RoomEvent.Of(RoomNotification.UserJoined(name, "Ana")), events[0]);
        Assert.Equal(RoomEvent.Of(hello), events[1]);
        Assert.Equal(RoomEvent.Of(RoomNotification.UserLeft(name, "Ana")), events[2]);
        await recorder.UnsubscribeAsync();
    }

    [Fact]
    public async Task InvalidInputThrowsAndStoresNothing()
    {
        var room = Room(Rooms.Fresh("invalid"));
        await room.SendAsync("Ana", "valid", null, "Ana");

        await Assert.ThrowsAsync<ChatRuleException>(() => room.SendAsync("Ana", "   ", null, "Ana"));
        await Assert.ThrowsAsync<ChatRuleException>(() => room.SendAsync("", "no user", null, ""));
        await Assert.ThrowsAsync<ChatRuleException>(() => room.SendAsync("Ana", new string('x', ChatRules.MaxTextLength + 1), null, "Ana"));
        await Assert.ThrowsAsync<ChatRuleException>(() => room.GetHistoryAsync(1, 0));

        Assert.Equal(1, (await room.JoinAsync(Relay, "connection-1", "Ana", null)).LastSeq);
    }

    [Fact]
    public async Task MessagesAfterASeqComeInPagesAscending()
    {
        var room = Room(Rooms.Fresh("after"));
        for (var i = 1; i <= 5; i++)
        {
            await room.SendAsync("Ana", $"message {i}", null, "Ana");
        }

        Assert.Equal([3L, 4L, 5L], (await room.GetMessagesAfterAsync(2, 10)).Select(m => m.Seq));
        Assert.Equal([2L, 3L], (await room.GetMessagesAfterAsync(1, 2)).Select(m => m.Seq));
        Assert.Equal([4L, 5L], (await room.GetHistoryAsync(6, 2)).Select(m => m.Seq));
    }

    [Fact]
    public async Task ARenewalMakesARelaysConnectionsExactlyTheOnesItReports()
    {
        var name = Rooms.Fresh("renew");
        var room = Room(name);
        var recorder = await RoomEventRecorder.SubscribeAsync(fixture.Client, name);
        await room.JoinAsync(Relay, "ana-1", "Ana", null);
        await room.JoinAsync(Relay, "ben-1", "Ben", null);
        await room.JoinAsync("relay-b", "cleo-1", "Cleo", null);
        await room.SendAsync("Ana", "hello", null, "Ana");

        var lastSeq = (await room.RenewPresenceAsync(Relay, [new RoomConnection("ana-1", "Ana"), new RoomConnection("dana-1", "Dana")], null)).LastSeq;
        var joined = await room.JoinAsync("relay-b", "cleo-1", "Cleo", null);
        var events = await recorder.Events.WaitUntilAsync(e => e.Any(x => x.Notification?.Kind == "left"), "Ben's left notice");

        Assert.Equal(1, lastSeq);
        Assert.Equal(["Ana", "Cleo", "Dana"], joined.Members.Order());
        Assert.Equal(RoomNotification.UserLeft(name, "Ben"), events.Last(e => e.Notification is not null).Notification);
        Assert.DoesNotContain(events, e => e.Notification?.User == "Dana");
        await recorder.UnsubscribeAsync();
    }

    [Fact]
    public async Task MembersOfARelayThatStopsRenewingLeaveWhenItsLeaseRunsOut()
    {
        var name = Rooms.Fresh("lease");
        var room = Room(name);
        var recorder = await RoomEventRecorder.SubscribeAsync(fixture.Client, name);
        await room.JoinAsync("relay-that-dies", "ghost-1", "Ghost", null);
        await room.JoinAsync("relay-that-lives", "ana-1", "Ana", null);

        // Only the living relay renews, as its process would; the other one's lease runs out.
        var leaving = recorder.Events.WaitUntilAsync(e => e.Any(x => x.Notification?.Kind == "left"), "the ghost's left notice");
        while (!leaving.IsCompleted)
        {
            await room.RenewPresenceAsync("relay-that-lives", [new RoomConnection("ana-1", "Ana")], null);
            await Task.WhenAny(leaving, Task.Delay(RoomClusterFixture.PresenceLease / 4)); // the renewal period, as a relay keeps it
        }

        var left = (await leaving).Single(e => e.Notification?.Kind == "left").Notification;
        var members = (await room.JoinAsync("relay-that-lives", "ana-2", "Ana", null)).Members;

        Assert.Equal(RoomNotification.UserLeft(name, "Ghost"), left);
        Assert.Equal(["Ana"], members);
        await recorder.UnsubscribeAsync();
    }

    [Fact]
    public async Task ReleasingARelayRemovesAllItsConnectionsAtOnce()
    {
        var name = Rooms.Fresh("release");
        var room = Room(name);
        await room.JoinAsync("stopping", "ana-1", "Ana", null);
        await room.JoinAsync("stopping", "ben-1", "Ben", null);
        await room.JoinAsync("staying", "cleo-1", "Cleo", null);

        await room.ReleaseRelayAsync("stopping");

        Assert.Equal(["Cleo"], (await room.JoinAsync("staying", "cleo-1", "Cleo", null)).Members);
    }

    [Fact]
    public async Task PresenceSurvivesReactivationAndConnectionsOfADeadRelayStillLeave()
    {
        var name = Rooms.Fresh("moved");
        var room = Room(name);
        await room.JoinAsync("relay-that-dies", "ghost-1", "Ghost", null);
        await room.JoinAsync("relay-that-lives", "ana-1", "Ana", null);

        await fixture.Cluster.DeactivateAsync(room);
        var recorder = await RoomEventRecorder.SubscribeAsync(fixture.Client, name);
        var afterMove = (await room.RenewPresenceAsync("relay-that-lives", [new RoomConnection("ana-1", "Ana")], null)).LastSeq;
        var members = (await room.JoinAsync("relay-that-lives", "ana-2", "Ana", null)).Members;
        var leaving = recorder.Events.WaitUntilAsync(e => e.Any(x => x.Notification?.Kind == "left"), "the ghost's left notice after the move");
        while (!leaving.IsCompleted)
        {
            await room.RenewPresenceAsync("relay-that-lives", [new RoomConnection("ana-1", "Ana"), new RoomConnection("ana-2", "Ana")], null);
            await Task.WhenAny(leaving, Task.Delay(RoomClusterFixture.PresenceLease / 4)); // the renewal period, as a relay keeps it
        }

        Assert.Equal(0, afterMove);
        Assert.Equal(["Ghost", "Ana"], members);
        Assert.Equal(RoomNotification.UserLeft(name, "Ghost"), (await leaving).Single(e => e.Notification?.Kind == "left").Notification);
        await recorder.UnsubscribeAsync();
    }

    [Fact]
    public async Task ARelayThatDeliveredPastTheEndOfTheLogStartsANewEpochUnderWhichTheSeqsGoOn()
    {
        var room = Room(Rooms.Fresh("went-back"));
        for (var i = 1; i <= 3; i++)
        {
            await room.SendAsync("Ana", $"message {i}", null, "Ana");
        }

        var joined = await room.JoinAsync(Relay, "ana-1", "Ana", null);
        var inStep = await room.RenewPresenceAsync(Relay, [new RoomConnection("ana-1", "Ana")], new RoomPosition(joined.Epoch, 3));
        var otherEpoch = await room.RenewPresenceAsync(Relay, [new RoomConnection("ana-1", "Ana")], new RoomPosition("another", 9));
        var ahead = await room.RenewPresenceAsync(Relay, [new RoomConnection("ana-1", "Ana")], new RoomPosition(joined.Epoch, 5));
        var stale = await room.RenewPresenceAsync(Relay, [new RoomConnection("ana-1", "Ana")], new RoomPosition(joined.Epoch, 5));
        var next = await room.SendAsync("Ana", "after", null, "Ana");
        var rejoined = await room.JoinAsync(Relay, "ana-1", "Ana", null);

        Assert.Equal(joined.Epoch, inStep.Epoch);
        Assert.Equal(joined.Epoch, otherEpoch.Epoch);
        Assert.NotEqual(joined.Epoch, ahead.Epoch);
        Assert.Equal(3, ahead.LastSeq);
        Assert.Equal(ahead.Epoch, stale.Epoch);
        Assert.Equal(4, next.Seq);
        Assert.Equal(ahead.Epoch, rejoined.Epoch);
        Assert.Equal(["message 1", "message 2", "message 3", "after"], rejoined.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task AJoinSincePastTheLastSeqGetsTheWholeWindowAsForAFirstJoin()
    {
        var room = Room(Rooms.Fresh("since-past"));
        for (var i = 1; i <= 3; i++)
        {
            await room.SendAsync("Ana", $"message {i}", null, "Ana");
        }

        var resumed = await room.JoinAsync(Relay, "ben-1", "Ben", sinceSeq: 2);
        var past = await room.JoinAsync(Relay, "cleo-1", "Cleo", sinceSeq: 7);

        Assert.Equal([3L], resumed.Messages.Select(m => m.Seq));
        Assert.Equal([1L, 2L, 3L], past.Messages.Select(m => m.Seq));
        Assert.Equal(3, past.LastSeq);
    }
}
