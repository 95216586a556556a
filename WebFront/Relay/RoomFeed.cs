using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using OrleansChat.Grains.Abstractions;
using OrleansChat.WebFront.Hubs;

namespace OrleansChat.WebFront.Relay;

/// <summary>
/// One room's events for this process's connections. It holds the stream subscription while any local
/// connection is in the room, and hands every connection each message exactly once and in seq order:
/// duplicates (the stream and the sender's fast path both deliver) are dropped, and a message that arrives
/// ahead of a missing seq waits briefly for it (it is usually a stream hop behind) before the missing ones
/// are fetched from the room grain. All delivery state is touched by one loop per room, so a slow room
/// never holds up another and no locks guard the hot path.
/// </summary>
internal sealed class RoomFeed : IAsyncObserver<RoomEvent>
{
    private readonly string _room;
    private readonly IAsyncStream<RoomEvent> _stream;
    private readonly IRoomGrain _grain;
    private readonly ClientConnections _connections;
    private readonly ChatMetrics _metrics;
    private readonly ILogger _logger;
    private static readonly TimeSpan GrainCallLimit = TimeSpan.FromSeconds(5);

    // A gap the room can no longer fill (its history has moved past it) and the stream has not filled
    // either is skipped after this long, so one lost event cannot hold the room back for good.
    private static readonly TimeSpan GapGiveUp = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _gapWait;
    private readonly Channel<Command> _commands = Channel.CreateUnbounded<Command>(new() { SingleReader = true });

    // Guarded by _lifecycle: which connections are attached (and as whom), and the subscription.
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly Dictionary<string, string> _attached = new(StringComparer.Ordinal);
    private StreamSubscriptionHandle<RoomEvent>? _subscription;
    private bool _closed;

    // Touched only by the loop.
    private readonly Dictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private long _streamSeq; // the highest seq the stream has brought, or a join snapshot already covered
    private long? _awaitedSeq; // the room's last seq at the previous renewal, while the stream has not brought it
    private readonly SortedDictionary<long, RoomEvent> _ahead = []; // messages waiting for a missing seq before them
    private long? _gapSince; // when the oldest gap opened (Environment.TickCount64)
    private bool _repairScheduled;

    private readonly RelayBacklog _backlog;

    public RoomFeed(string room, IClusterClient client, ClientConnections connections, ChatMetrics metrics, RelayBacklog backlog, TimeSpan gapWait, ILogger logger)
    {
        _backlog = backlog;
        _room = room;
        _gapWait = gapWait;
        _stream = client.GetStreamProvider(RoomStreams.ProviderName).GetStream<RoomEvent>(RoomStreams.For(room));
        _grain = client.GetGrain<IRoomGrain>(room);
        _connections = connections;
        _metrics = metrics;
        _logger = logger;
        _ = Task.Run(RunAsync);
    }

    /// <summary>
    /// Adds a connection that is about to join: events reaching the feed from now on are kept for it until
    /// <see cref="Activate"/> says which seq its join snapshot ended at. False when the feed has closed.
    /// </summary>
    public async Task<bool> AttachAsync(string connectionId, string user)
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_closed)
            {
                return false;
            }

            _attached[connectionId] = user;
            _commands.Writer.TryWrite(new Command.Attach(connectionId));
            _subscription ??= await _stream.SubscribeAsync(this);
            return true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Starts live delivery to a connection after the messages up to <paramref name="lastSeq"/> it already has.</summary>
    public void Activate(string connectionId, long lastSeq) =>
        _commands.Writer.TryWrite(new Command.Activate(connectionId, lastSeq));

    /// <summary>Delivers an event the room has just acknowledged here: the fast path, ahead of the stream.</summary>
    public void Deliver(RoomEvent roomEvent) => Enqueue(new Command.Deliver(roomEvent, FromStream: false));

    /// <summary>Removes a connection; true when it was the last one and the feed has closed.</summary>
    public async Task<bool> DetachAsync(string connectionId)
    {
        await _lifecycle.WaitAsync();
        try
        {
            _attached.Remove(connectionId);
            _commands.Writer.TryWrite(new Command.Detach(connectionId));
            if (_attached.Count > 0 || _closed)
            {
                return _closed;
            }

            await CloseAsync();
            return true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Renews this relay's lease on its connections in the room, and learns the room's last seq: when the
    /// stream has brought nothing up to it by the next renewal, the stream has gone silent, and the feed
    /// fetches what it missed and subscribes again.
    /// </summary>
    public async Task RenewAsync(string relayId)
    {
        List<RoomConnection> connections;
        await _lifecycle.WaitAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            connections = [.. _attached.Select(a => new RoomConnection(a.Key, a.Value))];
        }
        finally
        {
            _lifecycle.Release();
        }

        var lastSeq = await _grain.RenewPresenceAsync(relayId, connections);
        _commands.Writer.TryWrite(new Command.CheckSilence(lastSeq));
    }

    /// <summary>Hands this relay's connections back to the room and unsubscribes, for the process's shutdown.</summary>
    public async Task StopAsync(string relayId)
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            await _grain.ReleaseRelayAsync(relayId);
            await CloseAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    Task IAsyncObserver<RoomEvent>.OnNextAsync(RoomEvent item, StreamSequenceToken? token)
    {
        // The process's stream subscriptions share one consumer whose calls run one at a time: hand off and return.
        Enqueue(new Command.Deliver(item, FromStream: true));
        return Task.CompletedTask;
    }

    Task IAsyncObserver<RoomEvent>.OnCompletedAsync() => Task.CompletedTask;

    Task IAsyncObserver<RoomEvent>.OnErrorAsync(Exception ex)
    {
        _logger.LogWarning(ex, "The stream of room {Room} reported an error", _room);
        return Task.CompletedTask;
    }

    private void Enqueue(Command.Deliver deliver)
    {
        if (_commands.Writer.TryWrite(deliver))
        {
            Interlocked.Increment(ref _backlog.Count);
        }
    }

    private async Task CloseAsync()
    {
        _closed = true;
        _commands.Writer.TryComplete();
        if (_subscription is { } subscription)
        {
            try
            {
                await subscription.UnsubscribeAsync();
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "Could not unsubscribe from the stream of room {Room}", _room);
            }
        }
    }

    private async Task ResubscribeAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            if (_subscription is { } stale)
            {
                await stale.UnsubscribeAsync();
            }

            _subscription = await _stream.SubscribeAsync(this);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task RunAsync()
    {
        await foreach (var command in _commands.Reader.ReadAllAsync())
        {
            if (command is Command.Deliver)
            {
                Interlocked.Decrement(ref _backlog.Count);
            }

            try
            {
                await HandleAsync(command);
            }
            catch (Exception exception)
            {
                _logger.LogError(exception, "Room {Room} failed to handle {Command}", _room, command);
            }
        }
    }

    private async Task HandleAsync(Command command)
    {
        switch (command)
        {
            case Command.Attach(var connectionId):
                _listeners.TryAdd(connectionId, new Listener());
                break;
            case Command.Activate(var connectionId, var lastSeq) when _listeners.TryGetValue(connectionId, out var listener):
                ActivateListener(connectionId, listener, lastSeq);
                break;
            case Command.Detach(var connectionId):
                _listeners.Remove(connectionId);
                break;
            case Command.Deliver(var roomEvent, var fromStream):
                if (fromStream && roomEvent.Message is { } fromTheStream)
                {
                    // Only the stream's own progress counts against silence: what the fast path and gap repairs
                    // bring would hide a dead subscription, and with it every notification.
                    _streamSeq = Math.Max(_streamSeq, fromTheStream.Seq);
                }

                DeliverEvent(roomEvent, _listeners);
                break;
            case Command.CheckSilence(var lastSeq):
                await CheckSilenceAsync(lastSeq);
                break;
            case Command.RepairGaps:
                await RepairGapsAsync();
                break;
        }
    }

    private void ActivateListener(string connectionId, Listener listener, long lastSeq)
    {
        listener.Position = Math.Max(listener.Position ?? 0, lastSeq);
        if (_streamSeq == 0)
        {
            // A fresh feed: its subscription brings only what comes after it, so the first join's snapshot
            // is where the stream's own progress starts. Later joins must not move it, or they would hide a
            // subscription that died since.
            _streamSeq = lastSeq;
        }

        if (listener.Pending is not { } pending)
        {
            return;
        }

        listener.Pending = null;
        var only = new Dictionary<string, Listener> { [connectionId] = listener };
        foreach (var roomEvent in pending)
        {
            DeliverEvent(roomEvent, only);
        }
    }

    private async Task CheckSilenceAsync(long lastSeq)
    {
        // A seq the room had reported one renewal ago and the stream still has not brought: it is silent.
        if (_awaitedSeq is { } expected && _streamSeq < expected)
        {
            _logger.LogWarning("The stream of room {Room} fell silent before seq {Seq}; catching up and subscribing again", _room, expected);
            await CatchUpAsync(lastSeq);
            await ResubscribeAsync();
            _streamSeq = Math.Max(_streamSeq, lastSeq); // a fresh subscription brings only what comes after it
        }
        else if (_awaitedSeq is { } reported && Lacks(reported + 1, _listeners))
        {
            // The stream is alive, yet a member still lacks a seq the room reported a renewal ago: the last
            // message of a burst, with no later one to reveal the gap.
            await CatchUpAsync(lastSeq);
        }

        _awaitedSeq = lastSeq > _streamSeq || Lacks(lastSeq + 1, _listeners) ? lastSeq : null;
    }

    private async Task CatchUpAsync(long lastSeq)
    {
        var from = _listeners.Values.Where(l => l.Pending is null).Select(l => l.Position!.Value).DefaultIfEmpty(lastSeq).Min();
        foreach (var message in await FetchAsync(from, lastSeq + 1))
        {
            _metrics.GapRepaired();
            Send(RoomEvent.Of(message), message, _listeners);
        }

        DrainAhead(force: false);
    }

    private void DeliverEvent(RoomEvent roomEvent, Dictionary<string, Listener> listeners)
    {
        if (roomEvent.Typing is { } typing)
        {
            // Ephemeral: only connections already live get it; a joining one has nothing to catch up on.
            var live = listeners.Where(l => l.Value.Pending is null).Select(l => l.Key).ToList();
            _connections.Send(live, ChatClientMethods.Typing, typing);
        }
        else if (roomEvent.Notification is { } notification)
        {
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

            _connections.Send(ready, ChatClientMethods.Notification, notification);
        }
        else if (roomEvent.Message is { } message)
        {
            DeliverMessage(roomEvent, message, listeners);
        }
    }

    private void DeliverMessage(RoomEvent roomEvent, ChatMessage message, Dictionary<string, Listener> listeners)
    {
        if (Lacks(message.Seq, listeners))
        {
            // Some connection lacks a seq before this one; most often it is a stream hop behind (another
            // sender's message, or the stream copy of a message whose fast path lost the race). Wait for it.
            _ahead.TryAdd(message.Seq, roomEvent);
            _gapSince ??= Environment.TickCount64;
            ScheduleRepair();
            return;
        }

        Send(roomEvent, message, listeners);
        DrainAhead(force: false);
    }

    /// <summary>Hands a message to every listener that has not had it yet.</summary>
    private void Send(RoomEvent roomEvent, ChatMessage message, Dictionary<string, Listener> listeners)
    {
        var due = new List<string>(listeners.Count);
        foreach (var (connectionId, listener) in listeners)
        {
            if (listener.Pending is { } pending)
            {
                pending.Add(roomEvent);
            }
            else if (message.Seq > listener.Position)
            {
                listener.Position = message.Seq;
                due.Add(connectionId);
            }
        }

        _metrics.Delivered(_connections.Send(due, ChatClientMethods.Message, message));
    }

    /// <summary>Sends the waiting messages that no live connection lacks anything before, in seq order.</summary>
    private void DrainAhead(bool force)
    {
        var sent = false;
        while (_ahead.Count > 0)
        {
            var (seq, roomEvent) = _ahead.First();
            if (!force && Lacks(seq, _listeners))
            {
                _gapSince = sent ? Environment.TickCount64 : _gapSince; // a later gap now comes first
                return;
            }

            _ahead.Remove(seq);
            Send(roomEvent, roomEvent.Message!, _listeners);
            (force, sent) = (false, true);
        }

        _gapSince = null;
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

    private void ScheduleRepair()
    {
        if (_repairScheduled)
        {
            return;
        }

        _repairScheduled = true;
        _ = Task.Delay(_gapWait).ContinueWith(_ => _commands.Writer.TryWrite(new Command.RepairGaps()), TaskScheduler.Default);
    }

    /// <summary>
    /// The wait is over and a gap is still open: fetch the missing messages from the room. What the room no
    /// longer retains only the stream can still bring; after <see cref="GapGiveUp"/> the gap is skipped.
    /// </summary>
    private async Task RepairGapsAsync()
    {
        _repairScheduled = false;
        if (_ahead.Count == 0)
        {
            return;
        }

        var next = _ahead.Keys.First();
        var from = _listeners.Values.Where(l => l.Pending is null && next > l.Position + 1).Select(l => l.Position!.Value).DefaultIfEmpty(next - 1).Min();
        var fetched = await FetchAsync(from, next);
        foreach (var missing in fetched)
        {
            if (Lacks(missing.Seq, _listeners))
            {
                break; // the room no longer has the seq before this one
            }

            _metrics.GapRepaired();
            Send(RoomEvent.Of(missing), missing, _listeners);
        }

        DrainAhead(force: false);
        if (_ahead.Count > 0 && Environment.TickCount64 - _gapSince >= GapGiveUp.TotalMilliseconds)
        {
            _logger.LogWarning("Room {Room}: the messages after seq {From} up to {Next} reached neither the stream nor the room's history; skipping them", _room, from, next);
            DrainAhead(force: true);
        }

        if (_ahead.Count > 0)
        {
            ScheduleRepair();
        }
    }

    /// <summary>The room's retained messages with seq above <paramref name="after"/> and below <paramref name="before"/>.</summary>
    private async Task<List<ChatMessage>> FetchAsync(long after, long before)
    {
        var messages = new List<ChatMessage>();
        while (after < before - 1)
        {
            // Bounded: while the room's silo is dead but not yet declared so, a call waits for the full
            // response timeout and would hold up this room's loop; the silence check retries later.
            var page = await _grain.GetMessagesAfterAsync(after, ChatRules.MaxHistoryPage).WaitAsync(GrainCallLimit);
            messages.AddRange(page.Where(m => m.Seq < before));
            if (page.Count < ChatRules.MaxHistoryPage)
            {
                break;
            }

            after = page[^1].Seq;
        }

        return messages;
    }

    /// <summary>One connection's delivery state: the last seq it has, or the events kept while it joins.</summary>
    private sealed class Listener
    {
        public long? Position { get; set; }

        public List<RoomEvent>? Pending { get; set; } = [];
    }

    private abstract record Command
    {
        public sealed record Attach(string ConnectionId) : Command;

        public sealed record Activate(string ConnectionId, long LastSeq) : Command;

        public sealed record Detach(string ConnectionId) : Command;

        public sealed record Deliver(RoomEvent Event, bool FromStream) : Command;

        public sealed record CheckSilence(long LastSeq) : Command;

        public sealed record RepairGaps : Command;
    }
}
