using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <summary>
/// The client message ids a room stored lately, with their messages, so a client that retries after a long
/// reconnect gets its original back instead of storing the message twice. An id is kept for
/// <c>retention</c> after it was added, and always while it is among the newest <c>window</c> (the room's
/// history); at most <c>capacity</c> are kept (the oldest go first).
/// </summary>
internal sealed class RecentMessageIds(TimeSpan retention, int capacity, int window)
{
    private readonly Dictionary<string, ChatMessage> _byId = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset Added, string Id)> _inOrder = new();

    public int Count => _byId.Count;

    public ChatMessage? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Remembers a stored message at <paramref name="now"/>, and forgets those past their retention.</summary>
    public void Add(ChatMessage message, DateTimeOffset now)
    {
        if (_byId.TryAdd(message.Id, message))
        {
            _inOrder.Enqueue((now, message.Id));
        }

        while (_inOrder.TryPeek(out var oldest)
               && (_inOrder.Count > capacity || (_inOrder.Count > window && oldest.Added < now - retention)))
        {
            _byId.Remove(_inOrder.Dequeue().Id);
        }
    }
}
