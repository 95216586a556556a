using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansChat.Tests.MessageLog;

/// <summary>The Redis log against a real redis-server: the contract, and what an append costs in Redis.</summary>
public sealed class RedisMessageLogTests(RedisServer redis) : MessageLogContract, IClassFixture<RedisServer>, IAsyncLifetime
{
    private ConnectionMultiplexer _connection = null!;
    private IMessageLog _log = null!;

    protected override IMessageLog Log => _log;

    public async Task InitializeAsync()
    {
        _connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<ChatMessage>>();
        _log = new RedisMessageLog(_connection, serializer, "test");
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task AnAppendWritesTheSameBytesWhetherTheWindowHoldsTenMessagesOrAThousand()
    {
        var (small, large) = (Rooms.Fresh("log-bytes-a"), Rooms.Fresh("log-bytes-b"));
        await Log.AppendAsync(small, 0, Messages(small, 1, 10), retain: 1_000);
        await Log.AppendAsync(large, 0, Messages(large, 1, 1_000), retain: 1_000);

        var intoSmall = await BytesWrittenByAsync(() => Log.AppendAsync(small, 10, Messages(small, 11, 1), retain: 1_000));
        var intoLarge = await BytesWrittenByAsync(() => Log.AppendAsync(large, 1_000, Messages(large, 1_001, 1), retain: 1_000));

        // The seqs differ by a few digits; a write that carried the window would differ by kilobytes.
        Assert.InRange(intoLarge - intoSmall, -16, 16);
        Assert.Equal(1_000, (await Log.ReadTailAsync(large, 2_000)).Messages.Count);
    }

    [Fact]
    public async Task AOneMessageAppendSendsRedisAtMostThreeTimesTheBytesItStores()
    {
        var room = Rooms.Fresh("log-weight");
        var message = new ChatMessage(room, 1, Guid.NewGuid().ToString("N"), "user-1234", new string('x', 64), DateTimeOffset.UtcNow);
        await Log.AppendAsync(Rooms.Fresh("log-weight-first"), 0, [message with { Room = "first" }], retain: 100); // the script's first use sends its text

        var written = await BytesWrittenByAsync(() => Log.AppendAsync(room, 0, [message], retain: 100));
        var stored = (await _connection.GetDatabase().ListRangeAsync(Assert.Single(await KeysAsync(room, "*")), 0, -1)).Sum(v => ((byte[])v!).Length);

        Assert.True(written <= 3 * stored, $"an append of a {stored}-byte message sent {written} bytes");
    }

    private async Task<RedisKey[]> KeysAsync(string room, string pattern) =>
        [.. (await _connection.GetServer(redis.ConnectionString).KeysAsync(pattern: $"*{room}*").ToArrayAsync()).Where(k => _connection.GetDatabase().KeyType(k) == RedisType.List)];

    /// <summary>Bytes Redis received for <paramref name="action"/>, less those of an INFO call.</summary>
    private async Task<long> BytesWrittenByAsync(Func<Task> action)
    {
        var before = await InputBytesAsync();
        await action();
        return await InputBytesAsync() - before;
    }

    private async Task<long> InputBytesAsync()
    {
        var info = await _connection.GetServer(redis.ConnectionString).InfoAsync("stats");
        return long.Parse(info.SelectMany(g => g).First(p => p.Key == "total_net_input_bytes").Value);
    }
}
