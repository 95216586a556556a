using OrleansChat.Grains.Abstractions;
using OrleansChat.WebFront.Hubs;
using OrleansChat.WebFront.Relay;

namespace OrleansChat.Tests.Relay;

/// <summary>The relay's ordering core on its own: events in, deliveries out, no cluster and no clock.</summary>
public sealed class DeliveryOrderTests
{
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(5);
    private readonly DeliveryOrder _order = new("room", GiveUp);
    private readonly Deliveries _output = new();

    private static ChatMessage Message(long seq) => new("room", seq, $"id-{seq}", "ana", $"text {seq}", DateTimeOffset.UnixEpoch);

    private static RoomEvent Event(long seq) => RoomEvent.Of(Message(seq));

    /// <summary>The seqs each connection was handed, in the order handed.</summary>
    private Dictionary<string, List<long>> Delivered()
    {
        var seqs = new Dictionary<string, List<long>>();
        foreach (var (method, argument, connections) in _output.Items.Where(i => i.Method == ChatClientMethods.Message))
        {
            foreach (var connection in connections)
            {
                (seqs.TryGetValue(connection, out var list) ? list : seqs[connection] = []).Add(((ChatMessage)argument).Seq);
            }
        }

        return seqs;
    }

    private void Join(string connection, long lastSeq, long now = 0)
    {
        _order.Attach(connection);
        _order.Activate(connection, lastSeq, now, _output);
    }

    [Fact]
    public void EachMessageAfterTheJoinSnapshotIsDeliveredOnceEvenWhenTheFastPathAndTheStreamBothBringIt()
    {
        Join("a", lastSeq: 3);

        foreach (var seq in new long[] { 2, 3, 4, 5 })
        {
            _order.Receive(Event(seq), fromStream: false, 0, _output);
            _order.Receive(Event(seq), fromStream: true, 0, _output);
        }

        Assert.Equal([4L, 5], Delivered()["a"]);
    }

    [Fact]
    public void EventsThatArriveWhileAConnectionJoinsAreKeptAndHandedOutAfterItsSnapshot()
    {
        _order.Attach("a");
        _order.Receive(Event(4), fromStream: true, 0, _output);
        _order.Receive(RoomEvent.Of(RoomNotification.UserJoined("room", "bo")), fromStream: true, 0, _output);
        _order.Receive(Event(5), fromStream: true, 0, _output);
        Assert.Empty(_output.Items);

        _order.Activate("a", lastSeq: 4, 0, _output);

        Assert.Equal([5L], Delivered()["a"]);
        Assert.Equal(
            [ChatClientMethods.Notification, ChatClientMethods.Message],
            _output.Items.Select(i => i.Method));
    }

    [Fact]
    public void AMessageAheadOfAMissingSeqWaitsAndGoesOutInOrderOnceTheMissingOneArrives()
    {
        Join("a", lastSeq: 1);

        _order.Receive(Event(3), fromStream: false, 0, _output);
        Assert.True(_order.HasGap);
        Assert.Equal((1L, 3L), _order.GapToFetch());
        Assert.Empty(Delivered());

        _order.Receive(Event(2), fromStream: true, 10, _output);

        Assert.Equal([2L, 3], Delivered()["a"]);
        Assert.False(_order.HasGap);
    }

    [Fact]
    public void AGapTheRoomFillsIsRepairedInOrder()
    {
        Join("a", lastSeq: 1);
        _order.Receive(Event(4), fromStream: true, 0, _output);

        var skipped = _order.Repaired([Message(2), Message(3)], 50, _output);

        Assert.Null(skipped);
        Assert.Equal([2L, 3, 4], Delivered()["a"]);
    }

    [Fact]
    public void AGapNeitherTheStreamNorTheRoomCanFillIsSkippedOnlyAfterTheGiveUpTime()
    {
        Join("a", lastSeq: 1);
        _order.Receive(Event(4), fromStream: true, 0, _output);

        Assert.Null(_order.Repaired([], 1_000, _output));
        Assert.Empty(Delivered());
        var skipped = _order.Repaired([], (long)GiveUp.TotalMilliseconds, _output);

        Assert.Equal((1L, 4L), skipped);
        Assert.Equal([4L], Delivered()["a"]);
        Assert.False(_order.HasGap);
    }

    [Fact]
    public void AStreamThatBringsNothingTheRoomReportedByTheNextRenewalIsSilent()
    {
        Join("a", lastSeq: 2);

        Assert.Equal(Silence.Alive, _order.CheckSilence(lastSeq: 5).Verdict);
        var (verdict, from) = _order.CheckSilence(lastSeq: 6);
        _order.CaughtUp([Message(3), Message(4), Message(5), Message(6)], lastSeq: 6, resubscribed: true, 0, _output);

        Assert.Equal(Silence.Silent, verdict);
        Assert.Equal(2, from);
        Assert.Equal([3L, 4, 5, 6], Delivered()["a"]);
        Assert.Equal(Silence.Alive, _order.CheckSilence(lastSeq: 6).Verdict);
    }

    [Fact]
    public void ALiveStreamStillCatchesUpAMemberLackingASeqTheRoomReportedARenewalAgo()
    {
        Join("a", lastSeq: 0);
        _order.Receive(Event(1), fromStream: true, 0, _output);
        _order.Receive(Event(2), fromStream: true, 0, _output);
        Assert.Equal(Silence.Alive, _order.CheckSilence(lastSeq: 3).Verdict);
        _order.Receive(Event(4), fromStream: true, 0, _output); // the stream lives on, but 3 never came

        var (verdict, from) = _order.CheckSilence(lastSeq: 4);
        _order.CaughtUp([Message(3), Message(4)], lastSeq: 4, resubscribed: false, 0, _output);

        Assert.Equal(Silence.Lacking, verdict);
        Assert.Equal(2, from);
        Assert.Equal([1L, 2, 3, 4], Delivered()["a"]);
    }

    [Fact]
    public void TypingReachesOnlyConnectionsAlreadyLive()
    {
        Join("live", lastSeq: 0);
        _order.Attach("joining");

        _order.Receive(RoomEvent.Of(new TypingNotice("room", "ana")), fromStream: true, 0, _output);

        var (method, _, connections) = Assert.Single(_output.Items);
        Assert.Equal(ChatClientMethods.Typing, method);
        Assert.Equal(["live"], connections);
    }

    [Fact]
    public void ADetachedConnectionGetsNothingMore()
    {
        Join("a", lastSeq: 0);
        Join("b", lastSeq: 0);
        _order.Detach("a");

        _order.Receive(Event(1), fromStream: true, 0, _output);

        Assert.Equal(["b"], Delivered().Keys);
    }

    private IEnumerable<RoomNotification> Notices() =>
        _output.Items.Where(i => i.Method == ChatClientMethods.Notification).Select(i => (RoomNotification)i.Argument);

    [Fact]
    public void ALeaveWhoseNoticeTheStreamLostIsAnnouncedAtTheRenewalAfterTheOneThatShowedIt()
    {
        Join("a", lastSeq: 0);
        _order.Renewed(["Ana", "Ghost"], 0, _output);

        _order.Renewed(["Ana"], 0, _output); // Ghost is gone; the stream may still bring the notice
        Assert.Empty(Notices());
        _order.Renewed(["Ana"], 0, _output);

        Assert.Equal([RoomNotification.UserLeft("room", "Ghost")], Notices());
    }

    [Fact]
    public void AChangeTheStreamAnnouncedIsNotAnnouncedAgain()
    {
        Join("a", lastSeq: 0);
        _order.Renewed(["Ana"], 0, _output);
        _order.Receive(RoomEvent.Of(RoomNotification.UserJoined("room", "Bo")), fromStream: true, 0, _output);

        _order.Renewed(["Ana", "Bo"], 0, _output);
        _order.Renewed(["Ana", "Bo"], 0, _output);

        Assert.Equal([RoomNotification.UserJoined("room", "Bo")], Notices());
    }

    private List<(RoomReset Reset, string To)> Resets() =>
        [.. _output.Items.Where(i => i.Method == ChatClientMethods.Reset).Select(i => ((RoomReset)i.Argument, string.Join(",", i.ConnectionIds)))];

    [Fact]
    public void AGapGivenUpOnTellsTheListenersThatLackedItWhereTheyGoOnBeforeTheNextMessage()
    {
        Join("a", lastSeq: 3);
        Join("b", lastSeq: 6);
        _order.Receive(Event(7), fromStream: true, now: 0, _output);
        _output.Clear();

        var skipped = _order.Repaired([], now: (long)GiveUp.TotalMilliseconds, _output);

        Assert.Equal((3L, 7L), skipped);
        Assert.Equal([(new RoomReset("room", RoomReset.Skipped, 6, null), "a")], Resets());
        Assert.Equal(ChatClientMethods.Reset, _output.Items[0].Method);
        Assert.Equal([7L], Delivered()["a"]);
        _order.Receive(Event(8), fromStream: true, 0, _output);
        Assert.Equal([7L, 8], Delivered()["a"]);
        Assert.False(_order.HasGap);
    }

    [Fact]
    public void ANewEpochAtARenewalResetsEveryLiveListenerAndItsMessagesAreDeliveredFromThere()
    {
        _order.Attach("a");
        _order.Activate("a", lastSeq: 57, 0, _output, epoch: "old");
        _order.Attach("joining");
        _order.Receive(Event(1), fromStream: true, 0, _output); // seq 1 of the new epoch: taken for a duplicate
        Assert.Empty(Delivered());

        Assert.False(_order.EpochAtRenewal("old", lastSeq: 57, _output));
        Assert.True(_order.EpochAtRenewal("new", lastSeq: 1, _output));
        _order.Receive(Event(2), fromStream: true, 0, _output);

        Assert.Equal([(new RoomReset("room", RoomReset.StartedOver, 1, "new"), "a")], Resets());
        Assert.Equal([2L], Delivered()["a"]);
        Assert.False(_order.EpochAtRenewal("new", lastSeq: 2, _output));
    }

    [Fact]
    public void AJoinAnsweredInANewerEpochResetsTheOthersAndOneInAnOlderEpochResetsItself()
    {
        _order.Attach("a");
        _order.Activate("a", lastSeq: 40, 0, _output, epoch: "old");
        _order.Attach("b");
        _order.Activate("b", lastSeq: 2, 0, _output, epoch: "new");
        _order.Attach("late");
        _order.Activate("late", lastSeq: 41, 0, _output, epoch: "old");
        _order.Receive(Event(3), fromStream: true, 0, _output);

        Assert.Equal(
            [(new RoomReset("room", RoomReset.StartedOver, 2, "new"), "a"), (new RoomReset("room", RoomReset.StartedOver, 2, "new"), "late")],
            Resets());
        Assert.Equal([3L], Delivered()["a"]);
        Assert.Equal([3L], Delivered()["b"]);
        Assert.Equal([3L], Delivered()["late"]);
    }

    [Fact]
    public void TheDeliveredPositionIsTheHighestSeqAListenerReachedInTheCurrentEpoch()
    {
        _order.Attach("a");
        _order.Activate("a", lastSeq: 3, 0, _output, epoch: "old");
        _order.Receive(Event(4), fromStream: true, 0, _output);
        _order.Receive(Event(6), fromStream: true, 0, _output); // waits for 5: not delivered
        Assert.Equal(("old", 4L), (_order.Epoch, _order.DeliveredSeq));

        Assert.True(_order.EpochAtRenewal("new", lastSeq: 4, _output));

        Assert.Equal(("new", 4L), (_order.Epoch, _order.DeliveredSeq));
        _order.Receive(Event(5), fromStream: true, 0, _output);
        Assert.Equal(5, _order.DeliveredSeq);
    }
}
