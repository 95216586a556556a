using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <inheritdoc cref="IRoomGrain"/>
public sealed class RoomGrain(
    [PersistentState("room", RoomStorage.Rooms)] IPersistentState<RoomState> state,
    [PersistentState("presence", RoomStorage.Rooms)] IPersistentState<RoomPresence> presence,
    IOptions<RoomOptions> options,
    TimeProvider time,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    private readonly RoomMembers _members = new();

    // Group commit. What joins and readers see is the stored history (_history up to _lastSeq); messages
    // accepted since then wait in _queued for the next write, or are in the write in flight.
    private readonly List<Accepted> _queued = [];
    private readonly Dictionary<string, Accepted> _unstored = new(StringComparer.Ordinal);
    private List<ChatMessage> _history = [];
    private long _lastSeq, _nextSeq;
    private bool _writing;
    private TokenBucketRateLimiter? _messageLimiter;
    private int _storedPresenceVersion;
    private IAsyncStream<RoomEvent> _stream = null!;

    private string Room => this.GetPrimaryKeyString();

    private RoomState Stored => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetStreamProvider(RoomStreams.ProviderName).GetStream<RoomEvent>(RoomStreams.For(Room));
        var sweep = options.Value.PresenceSweepPeriod;
        this.RegisterGrainTimer(ExpireLeasesAsync, new GrainTimerCreationOptions(sweep, sweep) { Interleave = false });
        _members.Restore(presence.State.Connections, LeaseUntil());
        _storedPresenceVersion = _members.Version;
        KeepActiveWhileOccupied();
        if (string.IsNullOrEmpty(Stored.Epoch))
        {
            // The epoch is written before anyone can see it, so it names this history for as long as it lasts.
            Stored.Epoch = Guid.NewGuid().ToString("N");
            await state.WriteStateAsync(cancellationToken);
        }

        (_history, _lastSeq, _nextSeq) = (Stored.History, Stored.LastSeq, Stored.LastSeq);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _messageLimiter?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<JoinResult> JoinAsync(string relayId, string connectionId, string user, long? sinceSeq)
    {
        user = ChatRules.NormalizeUser(user);
        ChatRules.CheckSince(sinceSeq);
        if (_members.Add(relayId, connectionId, user, LeaseUntil()))
        {
            await PublishAsync(RoomEvent.Of(RoomNotification.UserJoined(Room, user)));
        }

        await MembershipChangedAsync(left: []);
        var messages = sinceSeq is { } since ? Retained().Where(m => m.Seq > since).ToList() : Retained().ToList();
        return new JoinResult(Room, user, Stored.Epoch, messages, _lastSeq, _members.Users);
    }

    public async Task LeaveAsync(string connectionId)
    {
        await MembershipChangedAsync(left: _members.Remove(connectionId) is { } user ? [user] : []);
    }

    public async Task<long> RenewPresenceAsync(string relayId, IReadOnlyList<RoomConnection> connections)
    {
        await MembershipChangedAsync(left: _members.Renew(relayId, connections, LeaseUntil()));
        return _lastSeq;
    }

    public async Task ReleaseRelayAsync(string relayId)
    {
        await MembershipChangedAsync(left: _members.Release(relayId));
    }

    public async Task<ChatMessage> SendAsync(string user, string text, string? clientMessageId)
    {
        user = ChatRules.NormalizeUser(user);
        text = ChatRules.NormalizeText(text);
        var id = ChatRules.NormalizeClientMessageId(clientMessageId);
        if (id is not null && (_history.Find(m => m.Id == id) ?? _unstored.GetValueOrDefault(id)?.Message) is { } original)
        {
            if (original.User != user)
            {
                throw new ChatRuleException("clientMessageId: already used by another user's message in this room");
            }

            return _unstored.TryGetValue(id, out var unstored) ? await unstored.Stored.Task : original;
        }

        _messageLimiter ??= options.Value.Messages.CreateLimiter();
        using var lease = _messageLimiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            throw new ChatRuleException($"rate: a room accepts {options.Value.Messages.Describe("messages")}; try again shortly");
        }

        var accepted = new Accepted(new ChatMessage(Room, ++_nextSeq, id ?? Guid.NewGuid().ToString("N"), user, text, time.GetUtcNow()));
        _queued.Add(accepted);
        _unstored[accepted.Message.Id] = accepted;
        if (!_writing)
        {
            _ = WriteQueuedAsync();
        }

        return await accepted.Stored.Task;
    }

    public Task TypingAsync(string user) =>
        PublishAsync(RoomEvent.Of(new TypingNotice(Room, ChatRules.NormalizeUser(user))));

    public Task<IReadOnlyList<ChatMessage>> GetHistoryAsync(long beforeSeq, int limit)
    {
        ChatRules.CheckBeforeSeq(beforeSeq);
        ChatRules.CheckLimit(limit);
        IReadOnlyList<ChatMessage> page = Retained().Where(m => m.Seq < beforeSeq).TakeLast(limit).ToList();
        return Task.FromResult(page);
    }

    public Task<IReadOnlyList<ChatMessage>> GetMessagesAfterAsync(long afterSeq, int limit)
    {
        ChatRules.CheckSince(afterSeq);
        ChatRules.CheckLimit(limit);
        IReadOnlyList<ChatMessage> page = Retained().Where(m => m.Seq > afterSeq).Take(limit).ToList();
        return Task.FromResult(page);
    }

    private async Task ExpireLeasesAsync(CancellationToken cancellationToken)
    {
        var gone = _members.Expire(time.GetUtcNow());
        if (gone.Count > 0)
        {
            logger.LogInformation("Room {Room} dropped {Count} members whose relay stopped renewing", Room, gone.Count);
            await MembershipChangedAsync(left: gone);
        }
    }

    /// <summary>Stores presence if it changed, announces who left, and keeps the room active while occupied.</summary>
    private async Task MembershipChangedAsync(List<string> left)
    {
        KeepActiveWhileOccupied();
        await StorePresenceAsync();
        foreach (var user in left)
        {
            await PublishAsync(RoomEvent.Of(RoomNotification.UserLeft(Room, user)));
        }
    }

    /// <summary>Stores who is in the room when that changed. Presence is not acknowledged data: a failed write is logged and retried with the next change.</summary>
    private async Task StorePresenceAsync()
    {
        if (_members.Version == _storedPresenceVersion)
        {
            return;
        }

        presence.State.Connections = _members.Snapshot();
        try
        {
            await presence.WriteStateAsync();
            _storedPresenceVersion = _members.Version;
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Room {Room} could not store its presence", Room);
        }
    }

    /// <summary>Presence lives in memory, so the room stays active while anyone is in it.</summary>
    private void KeepActiveWhileOccupied() =>
        DelayDeactivation(_members.ConnectionCount > 0 ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);

    private DateTimeOffset LeaseUntil() => time.GetUtcNow() + options.Value.PresenceLease;

    private IEnumerable<ChatMessage> Retained() => _history.TakeLast(options.Value.HistoryLimit);

    /// <summary>
    /// Writes what has queued, as long as anything has: each write stores every message accepted since the
    /// previous one began, so a busy room writes its history once per storage round trip, not per message.
    /// A message is published and acknowledged only after the write holding it succeeded.
    /// </summary>
    private async Task WriteQueuedAsync()
    {
        _writing = true;
        try
        {
            while (_queued.Count > 0)
            {
                List<Accepted> batch = [.. _queued];
                _queued.Clear();
                Stored.History = [.. _history.Concat(batch.Select(a => a.Message)).TakeLast(options.Value.HistoryLimit)];
                Stored.LastSeq = batch[^1].Message.Seq;
                try
                {
                    await state.WriteStateAsync();
                }
                catch (Exception exception)
                {
                    Refuse([.. batch, .. _queued], exception);
                    return;
                }

                (_history, _lastSeq) = (Stored.History, Stored.LastSeq);
                foreach (var accepted in batch)
                {
                    await PublishAsync(RoomEvent.Of(accepted.Message));
                }

                foreach (var accepted in batch)
                {
                    _unstored.Remove(accepted.Message.Id);
                    accepted.Stored.TrySetResult(accepted.Message);
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    /// <summary>
    /// A write failed: nothing in it or queued behind it is acknowledged, so none of it is kept. Storage may
    /// still hold the write (a timeout after it landed), so the next activation reloads whatever storage has
    /// instead of trusting this copy's ETag.
    /// </summary>
    private void Refuse(List<Accepted> refused, Exception exception)
    {
        _queued.Clear();
        (Stored.History, Stored.LastSeq, _nextSeq) = (_history, _lastSeq, _lastSeq);
        foreach (var accepted in refused)
        {
            _unstored.Remove(accepted.Message.Id);
            accepted.Stored.TrySetException(exception);
        }

        DeactivateOnIdle();
    }

    private async Task PublishAsync(RoomEvent roomEvent)
    {
        try
        {
            await _stream.OnNextAsync(roomEvent);
        }
        catch (Exception exception)
        {
            // A stored message stays acknowledged; relays detect the missing seq and fetch it from the room.
            logger.LogWarning(exception, "Room {Room} could not publish an event to its stream", Room);
        }
    }

    /// <summary>A message the room has numbered and not yet stored, and the acknowledgement its sender awaits.</summary>
    private sealed record Accepted(ChatMessage Message)
    {
        public TaskCompletionSource<ChatMessage> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
