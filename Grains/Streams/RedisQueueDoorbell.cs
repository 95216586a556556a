using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using StackExchange.Redis;

namespace OrleansChat.Grains.Streams;

/// <summary>
/// Rings a bell in this process directly, and any other through Redis pub/sub: one small message naming the
/// queue, on a channel every silo of the cluster listens to while it reads a queue. Pub/sub delivers at most
/// once (a silo that is reconnecting misses rings), which the receivers' idle read covers.
/// </summary>
public sealed partial class RedisQueueDoorbell(IConnectionMultiplexer redis, string channel, ILogger<RedisQueueDoorbell> logger) : IQueueDoorbell
{
    private readonly LocalQueueDoorbell _local = new();
    private readonly RedisChannel _channel = RedisChannel.Literal(channel);
    private int _subscribed;
    private Task _listening = Task.CompletedTask;

    /// <summary>Completes once this process listens to the channel, after the first <see cref="Hang"/>.</summary>
    public Task Listening => Volatile.Read(ref _listening);

    public void Ring(QueueId queue)
    {
        if (!_local.TryRing(queue.GetNumericId()))
        {
            redis.GetSubscriber().Publish(_channel, queue.GetNumericId(), CommandFlags.FireAndForget);
        }
    }

    public QueueBell Hang(QueueId queue)
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 0)
        {
            Volatile.Write(ref _listening, SubscribeAsync());
        }

        return _local.Hang(queue);
    }

    public void TakeDown(QueueBell bell) => _local.TakeDown(bell);

    private async Task SubscribeAsync()
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(_channel, (_, message) =>
            {
                if (uint.TryParse((string?)message, NumberStyles.None, CultureInfo.InvariantCulture, out var queue))
                {
                    _local.TryRing(queue);
                }
            });
        }
        catch (Exception exception)
        {
            Volatile.Write(ref _subscribed, 0);
            LogSubscribeFailed(exception, channel);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not listen to the stream doorbell channel {Channel}; queues are read every idle period until the next try")]
    private partial void LogSubscribeFailed(Exception exception, string channel);
}
