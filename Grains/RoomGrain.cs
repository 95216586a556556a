using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Orleans.Streams;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.Archive;
using OrleansChat.Grains.MessageLog;

namespace OrleansChat.Grains;

/// <inheritdoc cref="IRoomGrain"/>
public sealed class RoomGrain(
    [PersistentState("presence", RoomStorage.Rooms)] IPersistentState<RoomPresence> presence,
    IMessageLog log,
    IMessageArchive archive,
    IOptions<RoomOptions> options,
    ActiveRooms activeRooms,
    TimeProvider time,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    private readonly RoomMembers _members = new();

    // A stored message is acknowledged without waiting longer than this for its stream publish: a stalled
    // stream queue must not hold up every acknowledgement, and relays repair what the stream missed.
    private static readonly TimeSpan PublishWait = TimeSpan.FromSeconds(1);

    // At most one typing notice per user this often; the page sends one every 3 s while its user types.
    private static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(2.5);

    // A sender (a client address) that tried to send within this long has a share of the room's message budget.
    private static readonly TimeSpan SenderActiveFor = TimeSpan.FromSeconds(10);

    // How long a change of presence waits before it is stored, gathering the changes that follow it.
    private static readonly TimeSpan PresenceWriteDelay = TimeSpan.FromMilliseconds(100);

    // Group commit. What joins and readers see is the stored history (_history up to _lastSeq); messages
    // accepted since then wait in _queued for the next append to the log, or are in the append in flight.
    private readonly List<Accepted> _queued = [];
    private readonly Dictionary<string, Accepted> _unstored = new(StringComparer.Ordinal);
    private List<ChatMessage> _history = [];
    private RecentMessageIds _recentIds = null!;
    private readonly TypingCoalescer _typing = new(TypingInterval);
    private DepartureGrace _departures = null!;
    private string _epoch = "";
    private long _lastSeq, _nextSeq;
    private bool _writing;
    private Task _writer = Task.CompletedTask; // the running WriteQueuedAsync, while _writing
    private TokenBucketRateLimiter? _messageLimiter;
    private SenderShares _shares = null!;
    private int _storedPresenceVersion;
    private IGrainTimer? _presenceWrite; // armed while a change waits to be stored
    private bool _presenceWriting;
    private IAsyncStream<RoomEvent> _stream = null!;
    private bool _claimingName; // while a join that opens the room claims its name

    private string Room => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        activeRooms.Activated();
        _stream = this.GetStreamProvider(RoomStreams.ProviderName).GetStream<RoomEvent>(RoomStreams.For(Room));
        var sweep = options.Value.PresenceSweepPeriod;
        this.RegisterGrainTimer(ExpireLeasesAsync, new GrainTimerCreationOptions(sweep, sweep) { Interleave = false });
        _departures = new DepartureGrace(options.Value.LeaveGrace);
        _shares = new SenderShares(options.Value.Messages, SenderActiveFor);
        _members.Restore(presence.State.Connections, LeaseUntil());
        _storedPresenceVersion = _members.Version;
        KeepActiveWhileOccupied();
        var tail = await log.ReadTailAsync(Room, options.Value.HistoryLimit);
        (_epoch, _history, _lastSeq, _nextSeq) = (tail.Epoch, [.. tail.Messages], tail.LastSeq, tail.LastSeq);
        _recentIds = new RecentMessageIds(options.Value.RetryWindow, options.Value.MaxRetryIds, options.Value.HistoryLimit);
        foreach (var message in _history)
        {
            _recentIds.Add(message, time.GetUtcNow());
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        activeRooms.Deactivated();
        _messageLimiter?.Dispose();
        if (Unused)
        {
            await ForgetAsync();
            return;
        }

        foreach (var user in _departures.All())
        {
            await PublishAsync(RoomEvent.Of(RoomNotification.UserLeft(Room, user)));
        }

        // The next activation rebuilds presence from what was stored; relays' renewals fill in the rest.
        if (!_presenceWriting)
        {
            await WritePresenceAsync(cancellationToken);
        }
    }

    public async Task<JoinResult> JoinAsync(string relayId, string connectionId, string user, long? sinceSeq)
    {
        user = ChatRules.NormalizeUser(user);
        ChatRules.CheckSince(sinceSeq);
        var opening = Unused;
        if (opening && activeRooms.Count > options.Value.MaxActiveRooms)
        {
            // Opening a room (nobody in it, no messages) is what the cap refuses; rooms in use stay open.
            DeactivateOnIdle();
            throw new ChatRuleException($"rooms: this server holds its maximum of {options.Value.MaxActiveRooms} active rooms, so no new room can open now; join a room that is in use, or try again later");
        }

        if (opening && activeRooms.ClusterCount > options.Value.MaxClusterRooms)
        {
            DeactivateOnIdle();
            throw new ChatRuleException($"rooms: the service holds its maximum of {options.Value.MaxClusterRooms} active rooms across its servers, so no new room can open now; join a room that is in use, or try again later");
        }

        if (opening && await ClaimNameAsync() is { } holder)
        {
            DeactivateOnIdle();
            throw new ChatRuleException($"room: '{holder}' is in use, and '{Room}' looks the same (look-alike letters or forms); join '{holder}' or choose another name");
        }

        var nameKey = NameRules.Key(user);
        var sameName = _members.UserWithNameKey(nameKey) ?? _departures.Lingering.FirstOrDefault(other => NameRules.Key(other) == nameKey);
        if (sameName is { } lookAlike && lookAlike != user && lookAlike != _members.UserOf(connectionId))
        {
            throw new ChatRuleException($"user: '{lookAlike}' is in this room, and '{user}' differs from it only by case or by look-alike forms; choose another name");
        }

        if (_members.UserOf(connectionId) is { } previous && previous != user && _members.Remove(connectionId) is { } renamed)
        {
            // A rename: the old name leaves the list and is announced at once, with no grace to come back in.
            await PublishAsync(RoomEvent.Of(RoomNotification.UserLeft(Room, renamed)));
        }

        if (_members.Add(relayId, connectionId, user, LeaseUntil()) && !_departures.Returned(user))
        {
            await PublishAsync(RoomEvent.Of(RoomNotification.UserJoined(Room, user)));
        }

        await MembershipChangedAsync(left: []);
        var messages = sinceSeq is { } since && since <= _lastSeq ? Retained().Where(m => m.Seq > since).ToList() : Retained().ToList();
        return new JoinResult(Room, user, _epoch, messages, _lastSeq, Members(), opening);
    }

    public async Task LeaveAsync(string connectionId)
    {
        await MembershipChangedAsync(left: _members.Remove(connectionId) is { } user ? [user] : []);
    }

    public async Task<PresenceRenewal> RenewPresenceAsync(string relayId, IReadOnlyList<RoomConnection> connections, RoomPosition? delivered)
    {
        if (delivered is { } position && position.Epoch == _epoch && position.Seq > _lastSeq)
        {
            await StartNewEpochAsync(position);
        }

        await MembershipChangedAsync(left: _members.Renew(relayId, connections, LeaseUntil()));
        return new PresenceRenewal(_lastSeq, Members(), _epoch);
    }

    public async Task ReleaseRelayAsync(string relayId)
    {
        await MembershipChangedAsync(left: _members.Release(relayId));
    }

    public async Task<ChatMessage> SendAsync(string user, string text, string? clientMessageId, string sender)
    {
        user = ChatRules.NormalizeUser(user);
        text = ChatRules.NormalizeText(text);
        var id = ChatRules.NormalizeClientMessageId(clientMessageId);
        if (id is not null && (_recentIds.Find(id) ?? _unstored.GetValueOrDefault(id)?.Message) is { } original)
        {
            if (original.User != user)
            {
                throw new ChatRuleException("clientMessageId: already used by another user's message in this room");
            }

            return _unstored.TryGetValue(id, out var unstored) ? await unstored.Stored.Task : original;
        }

        if (_queued.Count >= options.Value.MaxQueuedMessages)
        {
            // Bounded, so that a room whose storage slows down refuses at once instead of making every sender
            // wait longer and longer; the sender retries with the same clientMessageId.
            throw new ChatRuleException($"busy: room '{Room}' has {_queued.Count} messages waiting to be stored; retry in a moment");
        }

        if (!_shares.TryTake(sender, time.GetUtcNow(), out var shareWait))
        {
            throw new ChatRuleException($"rate: a room's messages ({options.Value.Messages.Describe("messages")}) are shared among the people sending in it, and your share is spent; {RateLimit.RetryIn(shareWait)}");
        }

        _messageLimiter ??= options.Value.Messages.CreateLimiter();
        using var lease = _messageLimiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.Value.Messages.RefillPeriod;
            throw new ChatRuleException($"rate: a room accepts {options.Value.Messages.Describe("messages")}; {RateLimit.RetryIn(wait)}");
        }

        var accepted = new Accepted(new ChatMessage(Room, ++_nextSeq, id ?? Guid.NewGuid().ToString("N"), user, text, SentNow()));
        _queued.Add(accepted);
        _unstored[accepted.Message.Id] = accepted;
        if (!_writing)
        {
            _writer = WriteQueuedAsync();
        }

        return await accepted.Stored.Task;
    }

    public Task TypingAsync(string user)
    {
        user = ChatRules.NormalizeUser(user);
        return _typing.ShouldRelay(user, time.GetUtcNow()) ? PublishAsync(RoomEvent.Of(new TypingNotice(Room, user))) : Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ChatMessage>> GetHistoryAsync(long beforeSeq, int limit)
    {
        ChatRules.CheckBeforeSeq(beforeSeq);
        ChatRules.CheckLimit(limit);
        List<ChatMessage> page = [.. Retained().Where(m => m.Seq < beforeSeq).TakeLast(limit)];
        var oldest = page.Count > 0 ? page[0].Seq : Math.Min(beforeSeq, _history.Count > 0 ? _history[0].Seq : beforeSeq);
        if (page.Count == limit || oldest <= 1)
        {
            return page;
        }

        // Older than the window: the archive has them, when there is one.
        try
        {
            var archived = await archive.ReadBeforeAsync(Room, beforeSeq, limit);
            return archived.Count > page.Count ? archived : page;
        }
        catch (Exception exception) when (exception is not ChatRuleException)
        {
            logger.LogWarning(exception, "Room {Room} could not read history before seq {Seq} from the archive", Room, beforeSeq);
            throw new ChatRuleException("busy: messages older than the recent window are in the archive, which is not answering; try again shortly");
        }
    }

    public async Task<IReadOnlyList<ChatMessage>> SearchAsync(string query, long? beforeSeq, int limit)
    {
        query = ChatRules.NormalizeSearchQuery(query);
        if (beforeSeq is { } before)
        {
            ChatRules.CheckBeforeSeq(before);
        }

        ChatRules.CheckLimit(limit);
        try
        {
            return await archive.SearchAsync(Room, query, beforeSeq, limit);
        }
        catch (Exception exception) when (exception is not ChatRuleException)
        {
            logger.LogWarning(exception, "Room {Room} could not search the archive", Room);
            throw new ChatRuleException("busy: search needs the archive, which is not answering; try again shortly");
        }
    }

    public Task<bool> InUseAsync() => Task.FromResult(!Unused || _claimingName);

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

        foreach (var user in _departures.Due(time.GetUtcNow()))
        {
            await PublishAsync(RoomEvent.Of(RoomNotification.UserLeft(Room, user)));
        }

        if (Unused)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Claims the room's look-alike key for a join that opens it; the name of the room in use that holds the
    /// key instead, or null. Counts as in use meanwhile, so that a stale claim of this room is not taken from it.
    /// </summary>
    private async Task<string?> ClaimNameAsync()
    {
        _claimingName = true;
        try
        {
            return await NameOf(Room).ClaimAsync(Room);
        }
        finally
        {
            _claimingName = false;
        }
    }

    private IRoomNameGrain NameOf(string room) => GrainFactory.GetGrain<IRoomNameGrain>(NameRules.Key(room));

    /// <summary>Nobody is in the room or may come back, and it never numbered a message: it keeps nothing worth its keys.</summary>
    private bool Unused => _members.ConnectionCount == 0 && !_departures.Lingering.Any() && _nextSeq == 0;

    /// <summary>
    /// Removes what an unused room left in storage (its stored presence, its log's epoch and its claim on its name), so that rooms
    /// opened and left, however many, leave no keys behind. A failure leaves them for the next time.
    /// </summary>
    private async Task ForgetAsync()
    {
        try
        {
            if (presence.RecordExists)
            {
                await presence.ClearStateAsync();
            }

            await log.ForgetUnusedAsync(Room);
            await NameOf(Room).ReleaseAsync(Room);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Room {Room} could not remove its stored state", Room);
        }
    }

    /// <summary>The users present, and after them those who left within the grace period and may come back.</summary>
    private IReadOnlyList<string> Members() => [.. _members.Users, .. _departures.Lingering];

    /// <summary>
    /// Stores presence soon if it changed, starts the grace period of who left (announced by the sweep if
    /// they do not come back, <see cref="DepartureGrace"/>), and keeps the room active while occupied.
    /// </summary>
    private async Task MembershipChangedAsync(List<string> left)
    {
        KeepActiveWhileOccupied();
        StorePresenceSoon();
        foreach (var user in left)
        {
            if (options.Value.LeaveGrace > TimeSpan.Zero)
            {
                _departures.Left(user, time.GetUtcNow());
            }
            else
            {
                await PublishAsync(RoomEvent.Of(RoomNotification.UserLeft(Room, user)));
            }
        }
    }

    /// <summary>
    /// Stores who is in the room when that changed, without holding up the call that changed it: a timer
    /// writes shortly after the first change, each write storing every change made before it began, so a
    /// storm of thousands of rejoins is a handful of writes rather than thousands of serial ones. Presence is
    /// not acknowledged data: a failed write is logged and retried with the next change, and relays'
    /// renewals restore what a lost one missed.
    /// </summary>
    private void StorePresenceSoon()
    {
        if (_members.Version == _storedPresenceVersion)
        {
            return;
        }

        _presenceWrite ??= this.RegisterGrainTimer(WritePresenceAsync, new GrainTimerCreationOptions(PresenceWriteDelay, Timeout.InfiniteTimeSpan) { Interleave = true });
        if (!_presenceWriting)
        {
            _presenceWrite.Change(PresenceWriteDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task WritePresenceAsync(CancellationToken cancellationToken)
    {
        _presenceWriting = true;
        try
        {
            var reread = false;
            while (_members.Version != _storedPresenceVersion && !cancellationToken.IsCancellationRequested)
            {
                var version = _members.Version;
                presence.State.Connections = _members.Snapshot();
                try
                {
                    await presence.WriteStateAsync(cancellationToken);
                }
                catch (InconsistentStateException) when (!reread)
                {
                    // The stored copy changed under this activation (Redis lost its data, or an older
                    // activation wrote last): take its version and write the members this one knows.
                    reread = true;
                    await presence.ReadStateAsync(cancellationToken);
                    continue;
                }

                _storedPresenceVersion = version;
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Room {Room} could not store its presence", Room);
        }
        finally
        {
            _presenceWriting = false;
        }
    }

    /// <summary>Presence lives in memory, so the room stays active while anyone is in it or may come back.</summary>
    private void KeepActiveWhileOccupied() =>
        DelayDeactivation(_members.ConnectionCount > 0 ? Timeout.InfiniteTimeSpan : options.Value.LeaveGrace + options.Value.PresenceSweepPeriod);

    /// <summary>The time a message is sent at, to the microsecond: what the archive keeps, so it reads back equal.</summary>
    private DateTimeOffset SentNow()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    private DateTimeOffset LeaseUntil() => time.GetUtcNow() + options.Value.PresenceLease;

    private IEnumerable<ChatMessage> Retained() => _history.TakeLast(options.Value.HistoryLimit);

    /// <summary>
    /// Appends what has queued, as long as anything has: each append stores every message accepted since
    /// the previous one began, so a busy room makes one storage round trip per batch, not per message, and
    /// writes each message once. A message is acknowledged only after the append holding it succeeded, and
    /// published to the stream after that.
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
                var messages = batch.ConvertAll(a => a.Message);
                try
                {
                    await AppendAsync(messages);
                }
                catch (Exception exception)
                {
                    Refuse([.. batch, .. _queued], exception);
                    return;
                }

                _history.AddRange(messages);
                if (_history.Count > options.Value.HistoryLimit)
                {
                    _history.RemoveRange(0, _history.Count - options.Value.HistoryLimit);
                }

                _lastSeq = messages[^1].Seq;
                foreach (var accepted in batch)
                {
                    _recentIds.Add(accepted.Message, time.GetUtcNow());
                    _typing.Sent(accepted.Message.User);
                    _unstored.Remove(accepted.Message.Id);
                    accepted.Stored.TrySetResult(accepted.Message);
                }

                await PublishAsync(messages);
            }
        }
        finally
        {
            _writing = false;
        }
    }

    /// <summary>
    /// Appends a batch to the log. A log that ends below what this activation stored went back in time
    /// (a Redis failover to a replica that had not received the last appends): this activation still holds
    /// those messages, so it puts them back, under the same epoch, and appends again; the acknowledged seqs
    /// keep their messages and none is given to another.
    /// </summary>
    private async Task AppendAsync(List<ChatMessage> messages)
    {
        try
        {
            await log.AppendAsync(Room, _lastSeq, messages, options.Value.HistoryLimit);
        }
        catch (MessageLogConflictException rolledBack) when (rolledBack.ActualLastSeq < _lastSeq)
        {
            logger.LogWarning("Room {Room}: its log ends at seq {Actual}, below the {Stored} stored; restoring the newest messages from memory", Room, rolledBack.ActualLastSeq, _lastSeq);
            await log.ReplaceAsync(Room, new MessageLogTail(_epoch, _lastSeq, [.. Retained()]));
            await log.AppendAsync(Room, _lastSeq, messages, options.Value.HistoryLimit);
        }
    }

    /// <summary>
    /// A relay delivered seqs of this epoch that the log no longer holds: it went back in time while the
    /// room was not active (a Redis failover to a replica that missed the last appends, then a new
    /// activation that read the older state). This activation cannot put those messages back, and numbering
    /// on would give their seqs to other messages, so the log's history goes on under a new epoch: the
    /// retained messages keep their seqs, new ones follow them, and every relay learns of the new epoch at its
    /// renewal and tells its connections that the history started over. Appends wait meanwhile.
    /// </summary>
    private async Task StartNewEpochAsync(RoomPosition delivered)
    {
        while (_writing)
        {
            await _writer;
        }

        _writing = true;
        try
        {
            var stored = await log.ReadTailAsync(Room, options.Value.HistoryLimit);
            if (stored.Epoch != _epoch || stored.LastSeq != _lastSeq)
            {
                // Another writer moved the log on: this activation is the stale one, and reads it again.
                logger.LogWarning("Room {Room}: its log moved on to seq {Stored} under another writer; reloading", Room, stored.LastSeq);
                DeactivateOnIdle();
                return;
            }

            var epoch = MessageLogEpoch.New();
            await log.ReplaceAsync(Room, new MessageLogTail(epoch, _lastSeq, [.. Retained()]));
            logger.LogWarning("Room {Room}: a relay delivered up to seq {Delivered} of epoch {Old}, but the log ends at {Stored}; the history goes on under epoch {New}", Room, delivered.Seq, _epoch, _lastSeq, epoch);
            _epoch = epoch;
        }
        catch (Exception exception)
        {
            // The next renewal past the log's end tries again.
            logger.LogWarning(exception, "Room {Room} could not start a new epoch", Room);
        }
        finally
        {
            _writing = false;
            if (_queued.Count > 0)
            {
                _writer = WriteQueuedAsync();
            }
        }
    }

    /// <summary>
    /// An append failed: nothing in it or queued behind it is acknowledged, so none of it is kept here, and
    /// their senders are told to retry with the same id. After a conflict (another writer, or an append
    /// that landed although its answer was lost) this activation's copy is stale, so the room deactivates
    /// and the next activation reads the log again; after any other failure the room stays, and its next
    /// append, conditional on the same last seq, finds out whether the failed one landed.
    /// </summary>
    private void Refuse(List<Accepted> refused, Exception exception)
    {
        logger.LogWarning(exception, "Room {Room} could not store {Count} messages; they are refused", Room, refused.Count);
        _queued.Clear();
        _nextSeq = _lastSeq;
        var why = exception is MessageLogConflictException ? "it is reloading its history" : "its store did not answer";
        var refusal = new ChatRuleException($"busy: room '{Room}' could not store the message ({why}); retry with the same clientMessageId, which is never stored twice");
        foreach (var accepted in refused)
        {
            _unstored.Remove(accepted.Message.Id);
            accepted.Stored.TrySetException(refusal);
        }

        if (exception is MessageLogConflictException)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>Publishes a stored batch in seq order, waiting at most <see cref="PublishWait"/> before the room goes on.</summary>
    private async Task PublishAsync(List<ChatMessage> messages)
    {
        var published = PublishInOrderAsync(messages);
        try
        {
            await published.WaitAsync(PublishWait);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Room {Room}: publishing seqs {From}-{To} takes over {Wait}; going on without waiting", Room, messages[0].Seq, messages[^1].Seq, PublishWait);
        }
    }

    private async Task PublishInOrderAsync(List<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            await PublishAsync(RoomEvent.Of(message));
        }
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
