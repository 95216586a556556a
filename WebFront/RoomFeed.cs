using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.WebFront;

/// <summary>
/// One room's events for this process's connections. It holds the stream subscription while any local
/// connection is in the room, and hands every connection each message exactly once and in seq order:
/// duplicates (the stream and the sender's fast path both deliver) are dropped, and a missing seq is
/// fetched from the room grain before anything after it is sent. All delivery state is touched by one
/// loop per room, so a slow room never holds up another and no locks guard the hot path.
/// </summary>
internal sealed class RoomFeed : IAsyncObserver<RoomEvent>
{
    private readonly string _room;
    private readonly IAsyncStream<RoomEvent> _stream;
    private readonly IRoomGrain _grain;
    private readonly IHubContext<ChatHub> _hub;
    private readonly ILogger _logger;
    private readonly Channel<Command> _commands = Channel.CreateUnbounded<Command>(new() { SingleReader = true });
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly HashSet<string> _attached = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private StreamSubscriptionHandle<RoomEvent>? _subscription;
    private bool _closed;

    public RoomFeed(string room, IClusterClient client, IHubContext<ChatHub> hub, ILogger logger)
    {
        _room = room;
        _stream = client.GetStreamProvider(RoomStreams.ProviderName).GetStream<RoomEvent>(RoomStreams.For(room));
        _grain = client.GetGrain<IRoomGrain>(room);
        _hub = hub;
        _logger = logger;
        _ = Task.Run(RunAsync);
    }

    /// <summary>
    /// Adds a connection that is about to join: events reaching the feed from now on are kept for it until
    /// <see cref="Activate"/> says which seq its join snapshot ended at. False when the feed has closed.
    /// </summary>
    public async Task<bool> AttachAsync(string connectionId)
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_closed)
            {
                return false;
            }

            _attached.Add(connectionId);
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

    public void Deliver(RoomEvent roomEvent) => _commands.Writer.TryWrite(new Command.Deliver(roomEvent));

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

    /// <summary>Unsubscribes and stops the loop, for the process's shutdown.</summary>
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (!_closed)
            {
                await CloseAsync();
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    Task IAsyncObserver<RoomEvent>.OnNextAsync(RoomEvent item, StreamSequenceToken? token)
    {
        // The process's stream subscriptions share one consumer whose calls run one at a time: hand off and return.
        Deliver(item);
        return Task.CompletedTask;
    }

    Task IAsyncObserver<RoomEvent>.OnCompletedAsync() => Task.CompletedTask;

    Task IAsyncObserver<RoomEvent>.OnErrorAsync(Exception ex)
    {
        _logger.LogWarning(ex, "The stream of room {Room} reported an error", _room);
        return Task.CompletedTask;
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

    private async Task RunAsync()
    {
        await foreach (var command in _commands.Reader.ReadAllAsync())
        {
            try
            {
                await HandleAsync(command);
            }
            catch (Exception exception)
            {
                _logger.LogError(exception, "Room {Room} failed to deliver {Command}", _room, command);
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
                await ActivateAsync(connectionId, listener, lastSeq);
                break;
            case Command.Detach(var connectionId):
                _listeners.Remove(connectionId);
                break;
            case Command.Deliver(var roomEvent):
                await DeliverAsync(roomEvent, _listeners);
                break;
        }
    }

    private async Task ActivateAsync(string connectionId, Listener listener, long lastSeq)
    {
        listener.Position = Math.Max(listener.Position ?? 0, lastSeq);
        if (listener.Pending is not { } pending)
        {
            return;
        }

        listener.Pending = null;
        var only = new Dictionary<string, Listener> { [connectionId] = listener };
        foreach (var roomEvent in pending)
        {
            await DeliverAsync(roomEvent, only);
        }
    }

    private async Task DeliverAsync(RoomEvent roomEvent, Dictionary<string, Listener> listeners)
    {
        if (roomEvent.Notification is { } notification)
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

            if (ready.Count > 0)
            {
                await _hub.Clients.Clients(ready).SendAsync(ChatClientMethods.Notification, notification);
            }
        }
        else if (roomEvent.Message is { } message)
        {
            await DeliverMessageAsync(roomEvent, message, listeners);
        }
    }

    private async Task DeliverMessageAsync(RoomEvent roomEvent, ChatMessage message, Dictionary<string, Listener> listeners)
    {
        var inOrder = new List<string>(listeners.Count);
        List<(string ConnectionId, long Position)>? behind = null;
        foreach (var (connectionId, listener) in listeners)
        {
            if (listener.Pending is { } pending)
            {
                pending.Add(roomEvent);
                continue;
            }

            var position = listener.Position!.Value;
            if (message.Seq <= position)
            {
                continue;
            }

            if (message.Seq == position + 1)
            {
                inOrder.Add(connectionId);
            }
            else
            {
                (behind ??= []).Add((connectionId, position));
            }

            listener.Position = message.Seq;
        }

        if (behind is not null)
        {
            await RepairGapsAsync(message, behind);
        }

        if (inOrder.Count > 0)
        {
            await _hub.Clients.Clients(inOrder).SendAsync(ChatClientMethods.Message, message);
        }
    }

    /// <summary>Sends connections that are behind the messages they lack, from the grain, then the new one.</summary>
    private async Task RepairGapsAsync(ChatMessage message, List<(string ConnectionId, long Position)> behind)
    {
        var from = behind.Min(b => b.Position);
        var missing = new List<ChatMessage>();
        while (from < message.Seq - 1)
        {
            var page = await _grain.GetMessagesAfterAsync(from, ChatRules.MaxHistoryPage);
            missing.AddRange(page.Where(m => m.Seq < message.Seq));
            if (page.Count < ChatRules.MaxHistoryPage || page[^1].Seq >= message.Seq - 1)
            {
                break;
            }

            from = page[^1].Seq;
        }

        _logger.LogDebug("Room {Room} repaired a gap before seq {Seq} for {Count} connections", _room, message.Seq, behind.Count);
        foreach (var (connectionId, position) in behind)
        {
            var client = _hub.Clients.Client(connectionId);
            foreach (var earlier in missing.Where(m => m.Seq > position))
            {
                await client.SendAsync(ChatClientMethods.Message, earlier);
            }

            await client.SendAsync(ChatClientMethods.Message, message);
        }
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

        public sealed record Deliver(RoomEvent Event) : Command;
    }
}
