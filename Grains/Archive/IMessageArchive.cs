using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains.Archive;

/// <summary>
/// Every message of every room, kept for as long as the retention allows (forever by default): the record
/// that outlives the recent window and the cache in Redis. Like <see cref="MessageLog.IMessageLog"/> it has
/// one writer per room, the room grain, and its appends are conditional on the room's last seq, which it
/// keeps even when retention removes the messages, so a seq is never handed out twice.
/// </summary>
public interface IMessageArchive
{
    /// <summary>The room's epoch and last seq; a room the archive never saw is recorded with <paramref name="proposedEpoch"/> and seq 0.</summary>
    Task<ArchivedRoom> OpenAsync(string room, string proposedEpoch);

    /// <summary>
    /// Stores <paramref name="batch"/> (ascending seqs above <paramref name="expectedLastSeq"/>) in one
    /// round trip, all or nothing. Throws <see cref="MessageLog.MessageLogConflictException"/>, storing
    /// nothing, when the room's last seq is not <paramref name="expectedLastSeq"/>.
    /// </summary>
    Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch);

    /// <summary>
    /// Names the room's numbering <paramref name="epoch"/> from now on (seqs go on from its last seq): the
    /// room started a new epoch because something it had delivered is no longer stored.
    /// </summary>
    Task SetEpochAsync(string room, string epoch);

    /// <summary>Removes the record of a room that never stored a message; once it stored one, does nothing.</summary>
    Task ForgetUnusedAsync(string room);

    /// <summary>Up to <paramref name="limit"/> messages with seq &lt; <paramref name="beforeSeq"/>, ascending.</summary>
    Task<IReadOnlyList<ChatMessage>> ReadBeforeAsync(string room, long beforeSeq, int limit);

    /// <summary>
    /// Up to <paramref name="limit"/> messages whose text matches <paramref name="query"/> (words, "quoted
    /// phrases", -excluded words; case-insensitive, no language's stemming), with seq &lt;
    /// <paramref name="beforeSeq"/> when given, newest first.
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> SearchAsync(string room, string query, long? beforeSeq, int limit);

    /// <summary>Removes up to <paramref name="limit"/> messages sent before <paramref name="cutoff"/>; returns how many it removed.</summary>
    Task<int> DeleteSentBeforeAsync(DateTimeOffset cutoff, int limit);
}
