using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;
using OrleansChat.Grains.Streams;
using OrleansChat.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansChat.Tests.Redis;

/// <summary>A ring reaches the process that reads the queue through a real redis-server, as between two instances.</summary>
public sealed class RedisQueueDoorbellTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ARingInOneProcessWakesTheReaderInAnother()
    {
        await using var writerRedis = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var readerRedis = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var channel = $"doorbell-{Guid.NewGuid():N}";
        var writer = new RedisQueueDoorbell(writerRedis, channel, NullLogger<RedisQueueDoorbell>.Instance);
        var reader = new RedisQueueDoorbell(readerRedis, channel, NullLogger<RedisQueueDoorbell>.Instance);
        var queue = QueueId.GetQueueId("room-queue", 3, 7);
        var bell = reader.Hang(queue);
        var other = reader.Hang(QueueId.GetQueueId("room-queue", 4, 8));
        await reader.Listening.WaitAsync(Long);

        writer.Ring(queue);

        Assert.True(await bell.WaitAsync(Long, CancellationToken.None), "the reader's bell rang through Redis");
        Assert.False(await other.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None), "another queue's bell stayed silent");
    }
}
