using System.Collections.Concurrent;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains.MessageLog;

/// <summary>
/// The embedded mode's log: each room's newest messages in this process's memory, gone when it stops.
/// One instance must serve every silo that can host a room (one process in embedded mode).
/// </summary>
public sealed class MemoryMessageLog : IMessageLog
{
    private readonly ConcurrentDictionary<string, RoomLog> _rooms = new(StringComparer.Ordinal);

    public Task<MessageLogTail> ReadTailAsync(string room, int limit)
    {
        if (!_rooms.TryGetValue(room, out var log))
        {
            return Task.FromResult(new MessageLogTail(0, []));
        }

        lock (log)
        {
            return Task.FromResult(new MessageLogTail(log.LastSeq, [.. log.Messages.TakeLast(limit)]));
        }
    }

    public Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain)
    {
        var log = _rooms.GetOrAdd(room, _ => new RoomLog());
        lock (log)
        {
            if (log.LastSeq != expectedLastSeq)
            {
                throw new MessageLogConflictException(room, expectedLastSeq, log.LastSeq);
            }

            log.Messages.AddRange(batch);
            if (log.Messages.Count > retain)
            {
                log.Messages.RemoveRange(0, log.Messages.Count - retain);
            }

            log.LastSeq = batch.Count > 0 ? batch[^1].Seq : log.LastSeq;
        }

        return Task.CompletedTask;
    }

    private sealed class RoomLog
    {
        public List<ChatMessage> Messages { get; } = [];

        public long LastSeq { get; set; }
    }
}
