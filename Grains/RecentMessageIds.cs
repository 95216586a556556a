using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <summary>
/// The client message ids a room stored lately, with their messages, kept for <c>retention</c> whatever the
/// history window holds, and at most <c>capacity</c> of them (the oldest go first), so a client that retries
/// after a long reconnect gets its original back instead of storing the message twice.
/// </summary>
internal sealed class RecentMessageIds(TimeSpan retention, int capacity)
{
    private readonly Dictionary<string, ChatMessage> _byId = new(StringComparer.Ordinal);
    private readonly Queue<ChatMessage> _inOrder = new();

    public int Count => _byId.Count;

    public ChatMessage? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Remembers a stored message, and forgets those older than the retention at <paramref name="now"/>.</summary>
    public void Add(ChatMessage message, DateTimeOffset now)
    {
        if (_byId.TryAdd(message.Id, message))
        {
            _inOrder.Enqueue(message);
        }

        while (_inOrder.TryPeek(out var oldest) && (_inOrder.Count > capacity || oldest.SentAt < now - retention))
        {
            _byId.Remove(_inOrder.Dequeue().Id);
        }
    }
}
