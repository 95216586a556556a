using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains.MessageLog;

/// <summary>
/// A room's messages in the order the room numbered them: the one place a message is written, once.
/// The room grain is its only writer. An append is atomic (all of a batch or none of it) and conditional:
/// it lands only when the log still ends at the seq the room believes it ends at, so a second writer (a
/// duplicate activation, or one that loaded an older copy) fails instead of interleaving or reusing seqs.
/// A log keeps at least the newest <c>retain</c> messages of the last append; what it keeps beyond that
/// is up to the implementation. It is durable exactly as far as its store is (docs/architecture.md).
/// </summary>
public interface IMessageLog
{
    /// <summary>The log's last seq (0 when the room never stored a message) and its newest messages, up to <paramref name="limit"/>, ascending.</summary>
    Task<MessageLogTail> ReadTailAsync(string room, int limit);

    /// <summary>
    /// Appends <paramref name="batch"/> (consecutive seqs from <paramref name="expectedLastSeq"/> + 1) and
    /// returns once it is stored. Throws <see cref="MessageLogConflictException"/>, storing nothing, when the
    /// log does not end at <paramref name="expectedLastSeq"/>; any other exception means the append may or
    /// may not have landed, and the writer must read the tail again before it appends.
    /// </summary>
    Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain);
}
