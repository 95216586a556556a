using Orleans.Serialization;
using OrleansChat.Grains.Abstractions;
using StackExchange.Redis;

namespace OrleansChat.Grains.MessageLog;

/// <summary>
/// Each room's log in Redis: a list of its newest messages (Orleans' binary format) and a key holding its
/// last seq, changed together by one script per append. An append sends only its own messages, so a
/// message costs what it weighs whatever the window (<c>Room:HistoryLimit</c>), and the list is trimmed
/// to the window by the same script. Both keys share a hash tag, so the script also runs on Redis Cluster.
/// </summary>
public sealed class RedisMessageLog(IConnectionMultiplexer redis, Serializer<ChatMessage> serializer, string keyPrefix) : IMessageLog
{
    // KEYS: the list, the last seq. ARGV: the expected last seq, the new last seq, how many to retain,
    // then the messages. Returns -1 when appended, else the last seq the log really ends at.
    private const string Append = """
        local last = tonumber(redis.call('GET', KEYS[2]) or '0')
        if last ~= tonumber(ARGV[1]) then return last end
        redis.call('RPUSH', KEYS[1], unpack(ARGV, 4))
        redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
        redis.call('SET', KEYS[2], ARGV[2])
        return -1
        """;

    public async Task<MessageLogTail> ReadTailAsync(string room, int limit)
    {
        var (messages, seq) = Keys(room);
        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        var read = batch.ListRangeAsync(messages, -limit, -1);
        var lastSeq = batch.StringGetAsync(seq);
        batch.Execute();
        var stored = await read;
        return new MessageLogTail((long?)await lastSeq ?? 0, [.. stored.Select(value => serializer.Deserialize((byte[])value!)!)]);
    }

    public async Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var (messages, seq) = Keys(room);
        var arguments = new RedisValue[3 + batch.Count];
        (arguments[0], arguments[1], arguments[2]) = (expectedLastSeq, batch[^1].Seq, retain);
        for (var i = 0; i < batch.Count; i++)
        {
            arguments[3 + i] = serializer.SerializeToArray(batch[i]);
        }

        var result = (long)await redis.GetDatabase().ScriptEvaluateAsync(Append, [messages, seq], arguments);
        if (result != -1)
        {
            throw new MessageLogConflictException(room, expectedLastSeq, result);
        }
    }

    private (RedisKey Messages, RedisKey Seq) Keys(string room) =>
        ($"{keyPrefix}/{{{room}}}/log", $"{keyPrefix}/{{{room}}}/seq");
}
