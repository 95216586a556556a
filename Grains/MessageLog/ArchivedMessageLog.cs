using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.Archive;

namespace OrleansChat.Grains.MessageLog;

/// <summary>
/// The log of a deployment with an archive: the archive is the record and <paramref name="cache"/> (Redis,
/// or memory in embedded mode) holds the recent window for joins, resume and the relay. An append is stored
/// once the archive holds it; the cache follows, and a cache that missed appends or lost everything (a
/// Redis restart, FLUSHALL) is refilled from the archive, with the archive's epoch and numbering.
/// </summary>
public sealed class ArchivedMessageLog(IMessageLog cache, IMessageArchive archive, ILogger<ArchivedMessageLog> logger) : IMessageLog
{
    public async Task<MessageLogTail> ReadTailAsync(string room, int limit)
    {
        var cached = await cache.ReadTailAsync(room, limit);
        ArchivedRoom archived;
        try
        {
            archived = await archive.OpenAsync(room, cached.Epoch);
        }
        catch (Exception exception) when (cached.LastSeq > 0)
        {
            // The recent window still serves joins and reads; appends, conditional on the archive's last
            // seq, are refused until the archive answers again.
            logger.LogWarning(exception, "Room {Room} opened from its cached window: the archive did not answer", room);
            return cached;
        }

        if (archived.Epoch == cached.Epoch && archived.LastSeq == cached.LastSeq)
        {
            return cached;
        }

        if (archived.Epoch == cached.Epoch && archived.LastSeq < cached.LastSeq)
        {
            // The archive was added to a running deployment, or restored from an older backup: it takes
            // what the cache still holds, so that numbering goes on from the cache's last seq.
            await archive.AppendAsync(room, archived.LastSeq, [.. cached.Messages.Where(m => m.Seq > archived.LastSeq)]);
            logger.LogWarning("Room {Room}: the archive ended at seq {Archived}; it took the cached messages up to {Cached}", room, archived.LastSeq, cached.LastSeq);
            return cached;
        }

        logger.LogWarning("Room {Room}: the cache ended at seq {Cached} (epoch {CachedEpoch}); refilled from the archive, which ends at {Archived}", room, cached.LastSeq, cached.Epoch, archived.LastSeq);
        return await RefillAsync(room, archived, limit);
    }

    public async Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain)
    {
        await archive.AppendAsync(room, expectedLastSeq, batch);
        try
        {
            await cache.AppendAsync(room, expectedLastSeq, batch, retain);
        }
        catch (Exception exception)
        {
            // Stored all the same: the archive holds the batch. The cache is behind (a lost append) or empty
            // (Redis lost its data), so it is refilled now, or, when that fails too, at the next append, whose
            // conditional write finds it behind again.
            logger.LogWarning(exception, "Room {Room}: the cache missed seqs {From}-{To}; refilling it from the archive", room, batch[0].Seq, batch[^1].Seq);
            try
            {
                await RefillAsync(room, await archive.OpenAsync(room, MessageLogEpoch.New()), retain);
            }
            catch (Exception refillError)
            {
                logger.LogWarning(refillError, "Room {Room}: refilling the cache failed; the next append tries again", room);
            }
        }
    }

    /// <summary>The archive takes the tail's epoch (its messages and last seq it already holds); the cache all of it.</summary>
    public async Task ReplaceAsync(string room, MessageLogTail tail)
    {
        await archive.SetEpochAsync(room, tail.Epoch);
        await cache.ReplaceAsync(room, tail);
    }

    public async Task ForgetUnusedAsync(string room)
    {
        await archive.ForgetUnusedAsync(room);
        await cache.ForgetUnusedAsync(room);
    }

    private async Task<MessageLogTail> RefillAsync(string room, ArchivedRoom archived, int limit)
    {
        var tail = new MessageLogTail(archived.Epoch, archived.LastSeq, await archive.ReadBeforeAsync(room, archived.LastSeq + 1, limit));
        await cache.ReplaceAsync(room, tail);
        return tail;
    }
}
