using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;

namespace OrleansChat.Bench.Baseline;

/// <summary>
/// The bare SignalR hub the service is measured against: the chat's <c>Join</c>/<c>Send</c> contract over
/// SignalR groups and in-memory rooms, with no Orleans, no storage and no relay. It numbers messages and
/// keeps a room's last 100, as the service does, so the comparison is of the path a message takes.
/// </summary>
public sealed class BaselineHub(BaselineRooms rooms) : Hub
{
    public async Task<object> Join(string room, string user, long? since)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, room);
        Context.Items["user"] = user;
        var state = rooms.Get(room);
        var (messages, lastSeq) = state.Since(since ?? 0);
        return new { room, user, epoch = "baseline", messages, lastSeq, members = Array.Empty<string>() };
    }

    public async Task<BaselineMessage> Send(string room, string text, string? clientMessageId)
    {
        var user = (string)Context.Items["user"]!;
        var (message, delivery) = rooms.Get(room).Append(user, text, clientMessageId,
            m => Clients.Group(room).SendAsync("message", m));
        await delivery;
        return message;
    }
}
