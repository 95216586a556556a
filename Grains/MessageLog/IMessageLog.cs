using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains.MessageLog;

/// <summary>
/// A room's messages in the order the room numbered them, and the epoch that names this numbering. The room
/// grain is its only writer. An append is atomic (all of a batch or none of it) and conditional: it lands
/// only when the log still ends at the seq the room believes it ends at, so a second writer (a duplicate
/// activation, or one that loaded an older copy) fails instead of interleaving or reusing seqs.
/// A log keeps at least the newest <c>retain</c> messages of the last append; what it keeps beyond that
/// is up to the implementation. It is durable exactly as far as its store is (docs/architecture.md).
/// </summary>
public interface IMessageLog
{
    /// <summary>
    /// The log's epoch (created on the first read of a room, and new whenever the log lost its history),
    /// its last seq (0 when the room never stored a message) and its newest messages, up to
    /// <paramref name="limit"/>, ascending.
    /// </summary>
    Task<MessageLogTail> ReadTailAsync(string room, int limit);

    /// <summary>
    /// Appends <paramref name="batch"/> (ascending seqs above <paramref name="expectedLastSeq"/>) and
    /// returns once it is stored. Throws <see cref="MessageLogConflictException"/>, storing nothing, when the
    /// log does not end at <paramref name="expectedLastSeq"/>; any other exception means the append may or
    /// may not have landed, and the next append (conditional on the same last seq) tells which.
    /// </summary>
    Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain);

    /// <summary>
    /// Makes the log hold exactly <paramref name="tail"/>: its epoch, its last seq and its messages. Used to
    /// refill a log that serves as a cache of a more durable one (<see cref="ArchivedMessageLog"/>), to put
    /// back what a store that went back in time lost, and to go on under a new epoch.
    /// </summary>
    Task ReplaceAsync(string room, MessageLogTail tail);

    /// <summary>
    /// Removes what the log holds for a room that never stored a message (its epoch), so that an unused room
    /// leaves nothing behind; once the room stored a message it does nothing.
    /// </summary>
    Task ForgetUnusedAsync(string room);
}
