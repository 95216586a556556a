using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Abstractions;
using OrleansChat.WebFront.Relay;
using OrleansChat.WebFront.Security;

namespace OrleansChat.WebFront.Hubs;

/// <summary>
/// The browser's entry point, at <c>/hubs/chat</c>. A connection joins rooms as a user, sends to the rooms
/// it joined and receives each room's events as <c>message</c> and <c>notification</c> calls. Broken input
/// rules are answered with a <see cref="HubException"/> naming the field; the connection stays usable.
/// </summary>
public sealed class ChatHub(
    RoomGrains roomGrains,
    RoomMembership membership,
    ChatMetrics metrics,
    ConnectionLifetime lifetime,
    RoomOpenings openings,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILogger<ChatHub> logger) : Hub
{
    /// <summary>
    /// Joins <paramref name="room"/> as <paramref name="user"/>. With <paramref name="since"/> null the
    /// result holds the recent history; with k, the retained messages after seq k. After the call the
    /// connection receives every message with seq above the result's <c>lastSeq</c> exactly once, in seq
    /// order (a <c>message</c> may arrive before the result does). Joining a room again is harmless; it
    /// also changes the user the connection speaks as in that room.
    /// </summary>
    public async Task<JoinResult> Join(string room, string user, long? since)
    {
        room = ChatRules.NormalizeRoom(room);
        user = ChatRules.NormalizeUser(user);
        ChatRules.CheckSince(since);
        Limits().AdmitJoin();
        var rooms = JoinedRooms();
        if (!rooms.ContainsKey(room) && rooms.Count >= limits.Value.RoomsPerConnection)
        {
            throw new ChatRuleException($"room: a connection may be in at most {limits.Value.RoomsPerConnection} rooms; leave one first");
        }

        var address = Context.GetHttpContext()?.Connection.RemoteIpAddress;
        return await membership.JoinAsync(
            Context.ConnectionId, rooms, room, user, since, () => openings.Admit(address), Context.ConnectionAborted);
    }

    /// <summary>
    /// Stores a message in a joined room and returns it with its seq: the acknowledgement, sent only after
    /// the room has stored it. Sending again with the same <paramref name="clientMessageId"/> returns the
    /// original and stores nothing. A connection's sends are stored one at a time in the order they came;
    /// every send is answered within <c>Limits:SendTimeout</c>, with a <c>busy:</c> refusal when the room, the
    /// connection or the process is past its bound (<see cref="SendAdmission"/>).
    /// </summary>
    public async Task<ChatMessage> Send(string room, string text, string? clientMessageId)
    {
        room = ChatRules.NormalizeRoom(room);
        var user = UserIn(room);
        text = ChatRules.NormalizeText(text);
        clientMessageId = ChatRules.NormalizeClientMessageId(clientMessageId);
        Limits().AdmitMessage();

        var started = time.GetTimestamp();
        var message = await membership.SendAsync(Sends(), room, user, text, clientMessageId, Address());
        metrics.MessageAccepted(time.GetElapsedTime(started));
        return message;
    }

    /// <summary>
    /// Tells the other members of a joined room that this user is typing (a <c>typing</c> call reaches
    /// everyone in the room). Ephemeral: nothing is stored. The room relays at most one per user every 2.5 s.
    /// </summary>
    public Task Typing(string room)
    {
        room = ChatRules.NormalizeRoom(room);
        var user = UserIn(room);
        return Limits().AdmitTyping() ? Room(room).TypingAsync(user) : Task.CompletedTask;
    }

    /// <summary>Leaves a room; leaving a room the connection is not in does nothing.</summary>
    public async Task Leave(string room)
    {
        room = ChatRules.NormalizeRoom(room);
        Limits().AdmitLeave();
        if (JoinedRooms().TryRemove(room, out _))
        {
            await membership.LeaveAsync(Context.ConnectionId, room);
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> messages older than <paramref name="beforeSeq"/>, ascending: from the
    /// room's recent window and, with an archive, past it back to the room's first message.
    /// </summary>
    public Task<IReadOnlyList<ChatMessage>> History(string room, long beforeSeq, int limit)
    {
        room = ChatRules.NormalizeRoom(room);
        UserIn(room);
        ChatRules.CheckBeforeSeq(beforeSeq);
        ChatRules.CheckLimit(limit);
        Limits().AdmitHistory();
        return Room(room).GetHistoryAsync(beforeSeq, limit);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> messages of a joined room whose text matches <paramref name="query"/>,
    /// newest first, older than <paramref name="beforeSeq"/> when given (the next page starts below the
    /// last hit's seq). Needs the archive; without one the call is refused with a <c>search:</c> error.
    /// </summary>
    public Task<IReadOnlyList<ChatMessage>> Search(string room, string query, long? beforeSeq, int limit)
    {
        room = ChatRules.NormalizeRoom(room);
        UserIn(room);
        query = ChatRules.NormalizeSearchQuery(query);
        if (beforeSeq is { } before)
        {
            ChatRules.CheckBeforeSeq(before);
        }

        ChatRules.CheckLimit(limit);
        Limits().AdmitSearch();

        return Room(room).SearchAsync(query, beforeSeq, limit);
    }

    public override Task OnConnectedAsync()
    {
        // Created here, before any invocation: invocations of one connection may run in parallel
        // (Limits:ParallelInvocationsPerConnection), and the items dictionary is not safe to write concurrently.
        Context.Items[nameof(JoinedRooms)] = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        Context.Items[nameof(Limits)] = new ConnectionLimits(limits.Value, time);
        Context.Items[nameof(Sends)] = new ConnectionSends(limits.Value.MaxWaitingSendsPerConnection);
        Context.Items[nameof(Address)] = AddressLimits.KeyOf(Context.GetHttpContext()?.Connection.RemoteIpAddress);
        metrics.ConnectionOpened();
        lifetime.Track(Context);
        return Task.CompletedTask;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        lifetime.Ended(Context.ConnectionId);
        metrics.ConnectionClosed();

        // All rooms at once and each bounded: a room whose silo is frozen must not keep this connection, or
        // the process's stop, waiting; the room's lease on this relay removes the member later.
        await Task.WhenAll(JoinedRooms().Keys.Select(async room =>
        {
            try
            {
                await membership.LeaveAsync(Context.ConnectionId, room, RoomRelay.StopCallLimit);
            }
            catch (Exception leaveError)
            {
                logger.LogWarning(leaveError, "Connection {ConnectionId} could not leave room {Room}", Context.ConnectionId, room);
            }
        }));
    }

    private IRoomGrain Room(string room) => roomGrains.For(room);

    private string UserIn(string room) =>
        JoinedRooms().TryGetValue(room, out var user)
            ? user
            : throw new ChatRuleException($"room: join '{room}' before using it");

    private ConnectionLimits Limits() => (ConnectionLimits)Context.Items[nameof(Limits)]!;

    private ConnectionSends Sends() => (ConnectionSends)Context.Items[nameof(Sends)]!;

    /// <summary>The key the per-address limits know this client by (<see cref="AddressLimits.KeyOf"/>); rooms share their message budget by it.</summary>
    private string Address() => (string)Context.Items[nameof(Address)]!;

    private ConcurrentDictionary<string, string> JoinedRooms() => (ConcurrentDictionary<string, string>)Context.Items[nameof(JoinedRooms)]!;
}
