using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using OrleansChat.Grains.Abstractions;
using OrleansChat.WebFront.Hubs;

namespace OrleansChat.WebFront.Relay;

/// <summary>
/// One room's events for this process's connections. It holds the stream subscription while any local
/// connection is in the room, and runs one loop per room that feeds every event to the room's
/// <see cref="DeliveryOrder"/> (which decides who gets what, once and in seq order) and writes its
/// decisions; it also fetches from the room grain what the order finds missing, and subscribes again when
/// the stream falls silent. A slow room never holds up another and no locks guard the hot path.
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
    private int _attachedCount; // _attached.Count, readable without the lock
    private bool _closed;

    // Touched only by the loop.
    private readonly DeliveryOrder _order;
    private readonly Deliveries _output = new();
    private bool _repairScheduled;
    private RoomPosition? _delivered; // _order's position as of the last command, for the renewal to report

    private readonly RelayBacklog _backlog;

    public RoomFeed(string room, IClusterClient client, ClientConnections connections, ChatMetrics metrics, RelayBacklog backlog, TimeSpan gapWait, ILogger logger)
    {
        _backlog = backlog;
        _room = room;
        _order = new DeliveryOrder(room, GapGiveUp);
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
            Volatile.Write(ref _attachedCount, _attached.Count);
            _commands.Writer.TryWrite(new Command.Attach(connectionId));
            try
            {
                _subscription ??= await _stream.SubscribeAsync(this);
            }
            catch
            {
                // Undone, so that no renewal keeps a connection whose join did not happen.
                _attached.Remove(connectionId);
                Volatile.Write(ref _attachedCount, _attached.Count);
                _commands.Writer.TryWrite(new Command.Detach(connectionId));
                throw;
            }

            return true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Starts live delivery to a connection after the messages up to <paramref name="lastSeq"/> of <paramref name="epoch"/> it already has.</summary>
    public void Activate(string connectionId, long lastSeq, string epoch) =>
        _commands.Writer.TryWrite(new Command.Activate(connectionId, lastSeq, epoch));

    /// <summary>Delivers an event the room has just acknowledged here: the fast path, ahead of the stream.</summary>
    public void Deliver(RoomEvent roomEvent) => Enqueue(new Command.Deliver(roomEvent, FromStream: false, Weight: Weight));

    /// <summary>Removes a connection; true when it was the last one and the feed has closed.</summary>
    public async Task<bool> DetachAsync(string connectionId)
    {
        await _lifecycle.WaitAsync();
        try
        {
            _attached.Remove(connectionId);
            Volatile.Write(ref _attachedCount, _attached.Count);
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
    /// Renews this relay's lease on its open connections in the room, and learns the room's last seq and
    /// epoch: when the stream has brought nothing up to the seq by the next renewal, the stream has gone
    /// silent, and the feed fetches what it missed and subscribes again. A connection that closed without
    /// leaving (its join was still running when it closed) is detached here, so it is renewed never again
    /// and the room drops it. The renewal also tells the room how far this feed has delivered, so that a room
    /// whose store went back in time starts a new epoch instead of reusing seqs. Returns true when that left
    /// the feed empty and it closed.
    /// </summary>
    public async Task<bool> RenewAsync(string relayId)
    {
        List<RoomConnection> connections;
        await _lifecycle.WaitAsync();
        try
        {
            if (_closed)
            {
                return true;
            }

            foreach (var gone in _attached.Keys.Where(connectionId => !_connections.IsOpen(connectionId)).ToList())
            {
                _attached.Remove(gone);
                _commands.Writer.TryWrite(new Command.Detach(gone));
            }

            Volatile.Write(ref _attachedCount, _attached.Count);
            connections = [.. _attached.Select(a => new RoomConnection(a.Key, a.Value))];
        }
        finally
        {
            _lifecycle.Release();
        }

        var renewal = await _grain.RenewPresenceAsync(relayId, connections, Volatile.Read(ref _delivered));
        if (connections.Count == 0)
        {
            await _lifecycle.WaitAsync();
            try
            {
                if (_attached.Count == 0 && !_closed)
                {
                    await CloseAsync();
                }

                return _closed;
            }
            finally
            {
                _lifecycle.Release();
            }
        }

        _commands.Writer.TryWrite(new Command.CheckSilence(renewal.LastSeq, renewal.Members, renewal.Epoch));
        return false;
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
        Enqueue(new Command.Deliver(item, FromStream: true, Weight: Weight));
        return Task.CompletedTask;
    }

    Task IAsyncObserver<RoomEvent>.OnCompletedAsync() => Task.CompletedTask;

    Task IAsyncObserver<RoomEvent>.OnErrorAsync(Exception ex)
    {
        _logger.LogWarning(ex, "The stream of room {Room} reported an error", _room);
        return Task.CompletedTask;
    }

    /// <summary>What one event costs to deliver here: a write to each attached connection.</summary>
    private int Weight => Math.Max(1, Volatile.Read(ref _attachedCount));

    private void Enqueue(Command.Deliver deliver)
    {
        if (_commands.Writer.TryWrite(deliver))
        {
            Interlocked.Add(ref _backlog.Count, deliver.Weight);
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
                // Bounded: with the pub/sub store unreachable this would hold up the leave (and a stop); the
                // stale subscription is dropped by Orleans when it next fails to deliver to this process.
                await subscription.UnsubscribeAsync().WaitAsync(RoomRelay.StopCallLimit);
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
            if (command is Command.Deliver deliver)
            {
                Interlocked.Add(ref _backlog.Count, -deliver.Weight);
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
        var now = Environment.TickCount64;
        switch (command)
        {
            case Command.Attach(var connectionId):
                _order.Attach(connectionId);
                break;
            case Command.Activate(var connectionId, var lastSeq, var epoch):
                _order.Activate(connectionId, lastSeq, now, _output, epoch);
                break;
            case Command.Detach(var connectionId):
                _order.Detach(connectionId);
                break;
            case Command.Deliver(var roomEvent, var fromStream, _):
                _order.Receive(roomEvent, fromStream, now, _output);
                break;
            case Command.CheckSilence(var lastSeq, var members, var epoch):
                _order.Renewed(members, now, _output);
                if (_order.EpochAtRenewal(epoch, lastSeq, _output))
                {
                    _logger.LogWarning("Room {Room} started over under epoch {Epoch}; its connections here are told to join again", _room, epoch);
                }
                else
                {
                    await CheckSilenceAsync(lastSeq);
                }

                break;
            case Command.RepairGaps:
                await RepairGapsAsync();
                break;
        }

        Flush();
        if (_order.HasGap)
        {
            ScheduleRepair();
        }

        if (_order.Epoch is { } current && (_delivered?.Seq != _order.DeliveredSeq || _delivered.Epoch != current))
        {
            Volatile.Write(ref _delivered, new RoomPosition(current, _order.DeliveredSeq));
        }
    }

    /// <summary>Writes what the ordering core decided.</summary>
    private void Flush()
    {
        foreach (var (method, argument, connectionIds) in _output.Items)
        {
            var written = _connections.Send(connectionIds, method, argument);
            if (method == ChatClientMethods.Message)
            {
                _metrics.Delivered(written);
            }
        }

        _output.Clear();
    }

    private async Task CheckSilenceAsync(long lastSeq)
    {
        var (verdict, from) = _order.CheckSilence(lastSeq);
        if (verdict == Silence.Alive)
        {
            return;
        }

        if (verdict == Silence.Silent)
        {
            _logger.LogWarning("The stream of room {Room} fell silent; catching up and subscribing again", _room);
        }

        var fetched = await FetchAsync(from, lastSeq + 1);
        _metrics.GapsRepaired(fetched.Count);
        if (verdict == Silence.Silent)
        {
            await ResubscribeAsync();
        }

        _order.CaughtUp(fetched, lastSeq, resubscribed: verdict == Silence.Silent, Environment.TickCount64, _output);
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

    /// <summary>The wait is over and a gap is still open: fetch the missing messages from the room.</summary>
    private async Task RepairGapsAsync()
    {
        _repairScheduled = false;
        if (_order.GapToFetch() is not var (after, before))
        {
            return;
        }

        var fetched = await FetchAsync(after, before);
        _metrics.GapsRepaired(fetched.Count);
        if (_order.Repaired(fetched, Environment.TickCount64, _output) is var (from, next))
        {
            _logger.LogWarning("Room {Room}: the messages after seq {From} up to {Next} reached neither the stream nor the room's history; skipping them", _room, from, next);
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

    private abstract record Command
    {
        public sealed record Attach(string ConnectionId) : Command;

        public sealed record Activate(string ConnectionId, long LastSeq, string Epoch) : Command;

        public sealed record Detach(string ConnectionId) : Command;

        public sealed record Deliver(RoomEvent Event, bool FromStream, int Weight) : Command;

        public sealed record CheckSilence(long LastSeq, IReadOnlyList<string> Members, string Epoch) : Command;

        public sealed record RepairGaps : Command;
    }
}
