using OrleansChat.Grains.Abstractions;
using OrleansChat.WebFront.Hubs;

namespace OrleansChat.WebFront.Relay;

/// <summary>
/// The ordering core of one room's feed, pure and synchronous: which seq each local connection has, the
/// events kept for connections still joining, and the messages waiting for a missing seq. An event goes
/// in, the deliveries to make come out (<see cref="Deliveries"/>), and every connection gets each message
/// after its join snapshot once and in seq order. The feed around it does the I/O: it writes the
/// deliveries, fetches what <see cref="GapToFetch"/> and <see cref="CheckSilence"/> ask for from the room,
/// and subscribes again when the stream fell silent. Times are <see cref="Environment.TickCount64"/>
/// milliseconds, given by the caller.
/// </summary>
internal sealed class DeliveryOrder(string room, TimeSpan gapGiveUp)
{
    private readonly Dictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, ChatMessage> _ahead = []; // messages waiting for a missing seq before them
    private long _streamSeq; // the highest seq the stream has brought, or the first join snapshot of a fresh feed
    private long? _awaitedSeq; // the room's last seq at the previous renewal, while someone still lacks it
    private long? _gapSince; // when the oldest open gap opened
    private HashSet<string>? _renewedMembers; // who the room listed at the previous renewal
    private readonly HashSet<string> _noticed = new(StringComparer.Ordinal); // users with a notice since then
    private readonly Dictionary<string, string> _unannounced = new(StringComparer.Ordinal); // user -> the kind of notice not seen yet
    private string? _epoch; // the epoch the listeners' positions count in
    private long _deliveredSeq; // the highest position a listener has reached in _epoch
    private readonly HashSet<string> _retiredEpochs = new(StringComparer.Ordinal);

    /// <summary>Whether messages wait for a missing seq: the feed should call <see cref="GapToFetch"/> after a short wait.</summary>
    public bool HasGap => _ahead.Count > 0;

    /// <summary>The epoch the positions count in; null before the first join.</summary>
    public string? Epoch => _epoch;

    /// <summary>
    /// The highest seq of <see cref="Epoch"/> any listener has reached (delivered, in a join snapshot, or
    /// passed over). The room must never end below it in that epoch (<see cref="RoomPosition"/>).
    /// </summary>
    public long DeliveredSeq => _deliveredSeq;

    /// <summary>A connection is about to join: events from now on are kept for it until <see cref="Activate"/>.</summary>
    public void Attach(string connectionId) => _listeners.TryAdd(connectionId, new Listener());

    public void Detach(string connectionId) => _listeners.Remove(connectionId);

    /// <summary>
    /// The connection's join snapshot ended at <paramref name="lastSeq"/> of <paramref name="epoch"/>: what
    /// was kept for it after that goes out now. A snapshot of a newer epoch than the feed's resets the other
    /// listeners (<see cref="StartedOver"/>); one of an epoch already left behind resets this listener.
    /// </summary>
    public void Activate(string connectionId, long lastSeq, long now, Deliveries output, string? epoch = null)
    {
        if (!_listeners.TryGetValue(connectionId, out var listener))
        {
            return;
        }

        if (epoch is not null && _retiredEpochs.Contains(epoch))
        {
            // Its join was answered before the room started over: it goes on from the new epoch's start here.
            output.Add(ChatClientMethods.Reset, new RoomReset(room, RoomReset.StartedOver, _streamSeq, _epoch), [connectionId]);
            (lastSeq, epoch) = (_streamSeq, _epoch);
        }

        if (epoch is not null && _epoch is not null && epoch != _epoch)
        {
            StartedOver(epoch, lastSeq, output);
        }

        _epoch ??= epoch;
        listener.Position = Math.Max(listener.Position ?? 0, lastSeq);
        _deliveredSeq = Math.Max(_deliveredSeq, lastSeq);
        if (_streamSeq == 0)
        {
            // A fresh feed: its subscription brings only what comes after it, so the first join's snapshot is
            // where the stream's own progress starts. Later joins must not move it, or they would hide a
            // subscription that died since.
            _streamSeq = lastSeq;
        }

        if (listener.Pending is not { } pending)
        {
            return;
        }

        listener.Pending = null;
        var only = new Dictionary<string, Listener>(StringComparer.Ordinal) { [connectionId] = listener };
        foreach (var roomEvent in pending)
        {
            Receive(roomEvent, only, now, output);
        }
    }

    /// <summary>An event from the stream (<paramref name="fromStream"/>) or from the sender's fast path.</summary>
    public void Receive(RoomEvent roomEvent, bool fromStream, long now, Deliveries output)
    {
        if (fromStream && roomEvent.Message is { } fromTheStream)
        {
            // Only the stream's own progress counts against silence: what the fast path and repairs bring
            // would hide a dead subscription, and with it every notification.
            _streamSeq = Math.Max(_streamSeq, fromTheStream.Seq);
        }

        Receive(roomEvent, _listeners, now, output);
    }

    /// <summary>The seqs to fetch from the room for the oldest open gap: above After, below Before; null when none is open.</summary>
    public (long After, long Before)? GapToFetch()
    {
        if (_ahead.Count == 0)
        {
            return null;
        }

        var next = _ahead.Keys.First();
        var after = _listeners.Values.Where(l => l.Pending is null && next > l.Position + 1).Select(l => l.Position!.Value).DefaultIfEmpty(next - 1).Min();
        return (after, next);
    }

    /// <summary>
    /// What the room returned for <see cref="GapToFetch"/>. What it no longer retains only the stream can
    /// still bring; a gap open for longer than the give-up time is skipped, and the skipped range returned.
    /// </summary>
    public (long After, long Before)? Repaired(IReadOnlyList<ChatMessage> fetched, long now, Deliveries output)
    {
        var gap = GapToFetch();
        foreach (var missing in fetched)
        {
            if (Lacks(missing.Seq, _listeners))
            {
                break; // the room no longer has the seq before this one
            }

            Send(missing, _listeners, output);
        }

        DrainAhead(force: false, now, output);
        if (_ahead.Count > 0 && now - _gapSince >= gapGiveUp.TotalMilliseconds)
        {
            DrainAhead(force: true, now, output);
            return gap;
        }

        return null;
    }

    /// <summary>
    /// The room's last seq at a renewal. <see cref="Silence.Silent"/>: a seq it reported one renewal ago has
    /// still not come from the stream, so the feed catches up and subscribes again. <see cref="Silence.Lacking"/>:
    /// the stream is alive but a member lacks a seq reported a renewal ago (the last message of a burst).
    /// Either way the feed fetches from <c>From</c> and hands the result to <see cref="CaughtUp"/>.
    /// </summary>
    public (Silence Verdict, long From) CheckSilence(long lastSeq)
    {
        var verdict = _awaitedSeq is { } expected && _streamSeq < expected ? Silence.Silent
            : _awaitedSeq is { } reported && Lacks(reported + 1, _listeners) ? Silence.Lacking
            : Silence.Alive;
        if (verdict == Silence.Alive)
        {
            _awaitedSeq = lastSeq > _streamSeq || Lacks(lastSeq + 1, _listeners) ? lastSeq : null;
        }

        var from = _listeners.Values.Where(l => l.Pending is null).Select(l => l.Position!.Value).DefaultIfEmpty(lastSeq).Min();
        return (verdict, from);
    }

    /// <summary>The messages fetched after <see cref="CheckSilence"/>; <paramref name="resubscribed"/> when a fresh subscription now starts at <paramref name="lastSeq"/>.</summary>
    public void CaughtUp(IReadOnlyList<ChatMessage> fetched, long lastSeq, bool resubscribed, long now, Deliveries output)
    {
        foreach (var message in fetched)
        {
            Send(message, _listeners, output);
        }

        DrainAhead(force: false, now, output);
        if (resubscribed)
        {
            _streamSeq = Math.Max(_streamSeq, lastSeq);
        }

        _awaitedSeq = lastSeq > _streamSeq || Lacks(lastSeq + 1, _listeners) ? lastSeq : null;
    }

    /// <summary>
    /// The room's epoch at a renewal, with its last seq. When the room's history started over (Redis lost
    /// it), messages of the new epoch carry seqs that every listener already holds and would be dropped as
    /// duplicates; from here on the new epoch counts, and each live listener is told to join again for
    /// its history. Returns whether the epoch changed.
    /// </summary>
    public bool EpochAtRenewal(string epoch, long lastSeq, Deliveries output)
    {
        if (_epoch is null || epoch == _epoch || _retiredEpochs.Contains(epoch))
        {
            return false;
        }

        StartedOver(epoch, lastSeq, output);
        return true;
    }

    /// <summary>
    /// The room's members at a renewal. Notices travel only through the stream, so one published while the
    /// stream was dead is lost; a change of members that no notice announced by the renewal after the one
    /// that showed it is announced then, so every live member converges within two renewal periods.
    /// </summary>
    public void Renewed(IReadOnlyList<string> members, long now, Deliveries output)
    {
        var present = members.ToHashSet(StringComparer.Ordinal);
        foreach (var (user, kind) in _unannounced)
        {
            var stillSo = kind == RoomNotification.Left ? !present.Contains(user) : present.Contains(user);
            if (stillSo && !_noticed.Contains(user))
            {
                var notice = kind == RoomNotification.Left ? RoomNotification.UserLeft(room, user) : RoomNotification.UserJoined(room, user);
                Receive(RoomEvent.Of(notice), _listeners, now, output);
            }
        }

        _unannounced.Clear();
        if (_renewedMembers is { } before)
        {
            foreach (var user in before.Where(u => !present.Contains(u) && !_noticed.Contains(u)))
            {
                _unannounced[user] = RoomNotification.Left;
            }

            foreach (var user in present.Where(u => !before.Contains(u) && !_noticed.Contains(u)))
            {
                _unannounced[user] = RoomNotification.Joined;
            }
        }

        _renewedMembers = present;
        _noticed.Clear();
    }

    private void Receive(RoomEvent roomEvent, Dictionary<string, Listener> listeners, long now, Deliveries output)
    {
        if (roomEvent.Typing is { } typing)
        {
            // Ephemeral: only connections already live get it; a joining one has nothing to catch up on.
            output.Add(ChatClientMethods.Typing, typing, [.. listeners.Where(l => l.Value.Pending is null).Select(l => l.Key)]);
        }
        else if (roomEvent.Notification is { } notification)
        {
            _noticed.Add(notification.User);
            var ready = new List<string>(listeners.Count);
            foreach (var (connectionId, listener) in listeners)
            {
                if (listener.Pending is { } pending)
                {
                    pending.Add(roomEvent);
                }
                else
                {
                    ready.Add(connectionId);
                }
            }

            output.Add(ChatClientMethods.Notification, notification, ready);
        }
        else if (roomEvent.Message is { } message)
        {
            if (Lacks(message.Seq, listeners))
            {
                // Some connection lacks a seq before this one; most often it is a stream hop behind (another
                // sender's message, or the stream copy of a message whose fast path lost the race). Wait for it.
                _ahead.TryAdd(message.Seq, message);
                _gapSince ??= now;
                return;
            }

            Send(message, listeners, output);
            DrainAhead(force: false, now, output);
        }
    }

    /// <summary>Hands a message to every listener that has not had it yet; joining ones keep it.</summary>
    private void Send(ChatMessage message, Dictionary<string, Listener> listeners, Deliveries output)
    {
        var due = new List<string>(listeners.Count);
        foreach (var (connectionId, listener) in listeners)
        {
            if (listener.Pending is { } pending)
            {
                pending.Add(RoomEvent.Of(message));
            }
            else if (message.Seq > listener.Position)
            {
                listener.Position = message.Seq;
                due.Add(connectionId);
            }
        }

        if (due.Count > 0)
        {
            _deliveredSeq = Math.Max(_deliveredSeq, message.Seq);
        }

        output.Add(ChatClientMethods.Message, message, due);
    }

    /// <summary>Every live listener's position now counts in <paramref name="epoch"/>, from <paramref name="lastSeq"/>; each is told so.</summary>
    private void StartedOver(string epoch, long lastSeq, Deliveries output)
    {
        if (_epoch is not null)
        {
            _retiredEpochs.Add(_epoch);
        }

        _epoch = epoch;
        _ahead.Clear();
        (_gapSince, _awaitedSeq, _streamSeq, _deliveredSeq) = (null, null, lastSeq, lastSeq);
        var live = _listeners.Where(l => l.Value.Pending is null).Select(l => l.Key).ToList();
        foreach (var connectionId in live)
        {
            _listeners[connectionId].Position = lastSeq;
        }

        output.Add(ChatClientMethods.Reset, new RoomReset(room, RoomReset.StartedOver, lastSeq, epoch), live);
    }

    /// <summary>Sends the waiting messages that no live connection lacks anything before, in seq order.</summary>
    private void DrainAhead(bool force, long now, Deliveries output)
    {
        var sent = false;
        while (_ahead.Count > 0)
        {
            var (seq, message) = _ahead.First();
            if (!force && Lacks(seq, _listeners))
            {
                _gapSince = sent ? now : _gapSince; // a later gap now comes first
                return;
            }

            if (force)
            {
                SkipTo(seq - 1, output);
            }

            _ahead.Remove(seq);
            Send(message, _listeners, output);
            (force, sent) = (false, true);
        }

        _gapSince = null;
    }

    /// <summary>The live listeners that lack seqs up to <paramref name="lastSeq"/> are told they will not get them, and go on from there.</summary>
    private void SkipTo(long lastSeq, Deliveries output)
    {
        var skipped = new List<string>();
        foreach (var (connectionId, listener) in _listeners)
        {
            if (listener.Pending is null && listener.Position < lastSeq)
            {
                listener.Position = lastSeq;
                skipped.Add(connectionId);
            }
        }

        _deliveredSeq = Math.Max(_deliveredSeq, lastSeq);

        output.Add(ChatClientMethods.Reset, new RoomReset(room, RoomReset.Skipped, lastSeq, _epoch), skipped);
    }

    /// <summary>Whether a live listener lacks a seq before <paramref name="seq"/>.</summary>
    private static bool Lacks(long seq, Dictionary<string, Listener> listeners)
    {
        foreach (var listener in listeners.Values)
        {
            if (listener.Pending is null && seq > listener.Position + 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One connection's delivery state: the last seq it has, or the events kept while it joins.</summary>
    private sealed class Listener
    {
        public long? Position { get; set; }

        public List<RoomEvent>? Pending { get; set; } = [];
    }
}

/// <summary>What a renewal's silence check found (<see cref="DeliveryOrder.CheckSilence"/>).</summary>
internal enum Silence
{
    Alive,
    Lacking,
    Silent,
}
