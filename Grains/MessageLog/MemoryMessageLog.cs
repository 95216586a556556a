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
        var log = Log(room);
        lock (log)
        {
            return Task.FromResult(new MessageLogTail(log.Epoch, log.LastSeq, [.. log.Messages.TakeLast(limit)]));
        }
    }

    public Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain)
    {
        var log = Log(room);
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

    public Task ReplaceAsync(string room, MessageLogTail tail)
    {
        _rooms[room] = new RoomLog { Epoch = tail.Epoch, LastSeq = tail.LastSeq, Messages = [.. tail.Messages] };
        return Task.CompletedTask;
    }

    public Task ForgetUnusedAsync(string room)
    {
        if (_rooms.TryGetValue(room, out var log))
        {
            lock (log)
            {
                if (log.LastSeq == 0)
                {
                    _rooms.TryRemove(new KeyValuePair<string, RoomLog>(room, log));
                }
            }
        }

        return Task.CompletedTask;
    }

    private RoomLog Log(string room) => _rooms.GetOrAdd(room, _ => new RoomLog());

    private sealed class RoomLog
    {
        public string Epoch { get; init; } = MessageLogEpoch.New();

        public List<ChatMessage> Messages { get; init; } = [];

        public long LastSeq { get; set; }
    }
}
