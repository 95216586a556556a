using Orleans.Concurrency;

namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// One chat room, keyed by its normalized name (see <see cref="ChatRules.NormalizeRoom"/>). The grain is the
/// single writer of the room: it numbers messages, stores the recent history and publishes every event
/// to the room's stream (<see cref="RoomStreams"/>) in the order it numbered them.
/// </summary>
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds <paramref name="connectionId"/>, held by the relay <paramref name="relayId"/>, as
    /// <paramref name="user"/> to the room. Idempotent per connection. The first connection of a user
    /// publishes a "joined" notification. With <paramref name="sinceSeq"/> null the result holds the recent
    /// history; with a number k, only the retained messages with seq &gt; k. A k above the room's last seq
    /// counts in a history that is no longer the room's (it started over, or its store went back), so the
    /// result holds the recent history as for null, and the caller starts over from it. A join that opens the
    /// room (nobody in it, no messages) claims its name's look-alike key first (<see cref="IRoomNameGrain"/>),
    /// and is refused with a <c>room:</c> error naming the room in use that holds it.
    /// </summary>
    Task<JoinResult> JoinAsync(string relayId, string connectionId, string user, long? sinceSeq);

    /// <summary>
    /// Removes a connection. When it was the user's last connection in the room, a "left" notification is
    /// published once <c>Room:LeaveGrace</c> has passed without the user coming back (a user who comes back
    /// within it is announced neither as left nor as joined, and is listed meanwhile). Leaving a room one
    /// is not in does nothing.
    /// </summary>
    Task LeaveAsync(string connectionId);

    /// <summary>
    /// Renews the lease of a relay on its connections in the room and makes them exactly the ones listed:
    /// unlisted ones leave (with "left" notifications), listed ones the room did not know are added without
    /// notifications (the room was reactivated and rebuilds its presence). A relay that stops renewing loses
    /// its connections when <c>Room:PresenceLease</c> runs out. Returns the room's last seq and members, so
    /// the relay can tell whether its stream has fallen silent and repair notices it lost.
    /// <paramref name="delivered"/> is how far the relay has delivered the room: when it is past the room's
    /// last seq in the room's epoch, the room's store went back in time, and the room starts a new epoch
    /// (the renewal returns it) so that no seq already delivered is given to another message under the epoch
    /// it was delivered in.
    /// </summary>
    Task<PresenceRenewal> RenewPresenceAsync(string relayId, IReadOnlyList<RoomConnection> connections, RoomPosition? delivered);

    /// <summary>Removes every connection of a relay at once, with "left" notifications: its process is stopping.</summary>
    Task ReleaseRelayAsync(string relayId);

    /// <summary>
    /// Stores a message and returns it with its sequence number; it returns only after the room's message log (and the archive, when there is one)
    /// holds it. A <paramref name="clientMessageId"/> the room already retains
    /// returns the stored original and stores and publishes nothing. Invalid input throws
    /// <see cref="ArgumentException"/> and changes nothing. Sends interleave with each other, so messages
    /// that arrive while a write is in flight are stored together by the next write (a group commit).
    /// The room's message budget is shared fairly among its senders, and <paramref name="sender"/> is who a
    /// message counts for: the sending client's address (an IPv6 client's /64 prefix), so that one client
    /// gets one share whatever names and connections it sends with.
    /// </summary>
    [AlwaysInterleave]
    Task<ChatMessage> SendAsync(string user, string text, string? clientMessageId, string sender);

    /// <summary>
    /// Tells the room's members that <paramref name="user"/> is typing. Stores nothing. At most one notice
    /// per user every 2.5 s is relayed (a message the user sends starts that anew); the others are dropped
    /// without an error.
    /// </summary>
    Task TypingAsync(string user);

    /// <summary>
    /// Up to <paramref name="limit"/> messages with seq &lt; <paramref name="beforeSeq"/>, ascending: from the
    /// recent window, and past it from the archive when the deployment has one (back to seq 1, or to what
    /// the archive's retention kept). Interleaves: it only reads, so a slow archive read holds up no send.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<ChatMessage>> GetHistoryAsync(long beforeSeq, int limit);

    /// <summary>
    /// Up to <paramref name="limit"/> of the room's messages whose text matches <paramref name="query"/>
    /// (<see cref="ChatRules.NormalizeSearchQuery"/>), with seq &lt; <paramref name="beforeSeq"/> when given,
    /// newest first. Needs the archive: without one it throws <see cref="ChatRuleException"/> saying so.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<ChatMessage>> SearchAsync(string query, long? beforeSeq, int limit);

    /// <summary>
    /// Whether the room is in use: someone is in it or left it within <c>Room:LeaveGrace</c>, it numbered a
    /// message, or a join is opening it. A room not in use holds no claim on its name (<see cref="IRoomNameGrain"/>).
    /// Interleaves, so a name asking it never waits behind a join of this room that waits for that name.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> InUseAsync();

    /// <summary>Up to <paramref name="limit"/> retained messages with seq &gt; <paramref name="afterSeq"/>, ascending.</summary>
    Task<IReadOnlyList<ChatMessage>> GetMessagesAfterAsync(long afterSeq, int limit);
}
