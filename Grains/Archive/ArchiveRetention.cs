using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Grains.Archive;

/// <summary>
/// Removes messages older than <c>Archive:RetentionDays</c>, in batches of <c>Archive:RetentionBatch</c>
/// one after another, every <c>Archive:RetentionPeriod</c>. Every silo runs it; the deletes do not conflict,
/// they only share the work. Rooms keep their last seq, so numbering never goes back.
/// </summary>
public sealed class ArchiveRetention(IMessageArchive archive, IOptions<ArchiveOptions> options, TimeProvider time, ILogger<ArchiveRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionDays is not { } days)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RetentionPeriod, time);
        do
        {
            try
            {
                var removed = await RemoveExpiredAsync(TimeSpan.FromDays(days), stoppingToken);
                if (removed > 0)
                {
                    logger.LogInformation("Archive retention removed {Count} messages older than {Days} days", removed, days);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Archive retention failed; it tries again in {Period}", options.Value.RetentionPeriod);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes batch after batch until no message older than <paramref name="age"/> is left; returns how many.</summary>
    public async Task<int> RemoveExpiredAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - age;
        var total = 0;
        int removed;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            removed = await archive.DeleteSentBeforeAsync(cutoff, options.Value.RetentionBatch);
            total += removed;
        }
        while (removed == options.Value.RetentionBatch);

        return total;
    }
}
