using System.Collections.Concurrent;
using OrleansChat.Grains.Abstractions;
using OrleansChat.WebFront.Relay;

namespace OrleansChat.WebFront.Hubs;

/// <summary>
/// The order in which a connection joins, sends in and leaves a room, across this process's relay and the
/// room grain; <see cref="ChatHub"/> checks input and limits, and hands each step here.
/// <list type="bullet">
/// <item>A join attaches to the relay before the room takes its snapshot, so no event after the snapshot is
/// missed; a join that fails after that is undone at both, so it leaves no member behind.</item>
/// <item>A sent message, once the room acknowledged it, goes to this process's members at once (the fast
/// path), ahead of the stream.</item>
/// <item>A leave detaches from the relay before the room removes the member, so no presence renewal lists the
/// connection again.</item>
/// </list>
/// </summary>
public sealed class RoomMembership(RoomGrains roomGrains, RoomRelay relay, SendAdmission admission)
{
    /// <summary>
    /// Joins <paramref name="room"/> and records it in <paramref name="joined"/> (the connection's rooms, by
    /// the user it speaks as there). <paramref name="opened"/> runs when the join opened the room and may
    /// refuse it by throwing; <paramref name="closed"/> tells whether the connection went away meanwhile, in
    /// which case the room is left again at once.
    /// </summary>
    public async Task<JoinResult> JoinAsync(
        string connectionId, ConcurrentDictionary<string, string> joined, string room, string user, long? since,
        Action opened, CancellationToken closed)
    {
        var atRoom = false;
        try
        {
            await relay.AttachAsync(room, connectionId, user);
            var result = await Room(room).JoinAsync(relay.RelayId, connectionId, user, since);
            atRoom = true;
            if (result.Opened)
            {
                opened();
            }

            joined[room] = result.User;
            relay.Activate(room, connectionId, result.LastSeq, result.Epoch);
            if (closed.IsCancellationRequested && joined.TryRemove(room, out _))
            {
                // The connection closed while this join ran, and its disconnect handler may have left its
                // rooms before this one was recorded: leave it here, or the member would stay for good.
                await LeaveAsync(connectionId, room, RoomRelay.StopCallLimit);
            }

            return result;
        }
        catch when (!joined.ContainsKey(room))
        {
            // Undone, so that a join refused or failed after the room took it leaves no member behind.
            if (atRoom)
            {
                await LeaveAsync(connectionId, room, RoomRelay.StopCallLimit);
            }
            else
            {
                await relay.DetachAsync(room, connectionId);
            }

            throw;
        }
    }

    /// <summary>
    /// Stores a message through <see cref="SendAdmission"/> (one at a time per connection, answered within its
    /// bound) and, once acknowledged, hands it to this process's members.
    /// </summary>
    public async Task<ChatMessage> SendAsync(ConnectionSends sends, string room, string user, string text, string? clientMessageId, string sender)
    {
        var message = await admission.SendAsync(sends, room, () => Room(room).SendAsync(user, text, clientMessageId, sender));
        relay.Deliver(message);
        return message;
    }

    /// <summary>Detaches from the relay first, then leaves at the room, waiting at most <paramref name="limit"/> for it.</summary>
    public async Task LeaveAsync(string connectionId, string room, TimeSpan? limit = null)
    {
        await relay.DetachAsync(room, connectionId);
        await Room(room).LeaveAsync(connectionId).WaitAsync(limit ?? Timeout.InfiniteTimeSpan);
    }

    private IRoomGrain Room(string room) => roomGrains.For(room);
}
