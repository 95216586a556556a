using Orleans.Serialization;
using OrleansChat.Grains.Abstractions;
using StackExchange.Redis;

namespace OrleansChat.Grains.MessageLog;

/// <summary>
/// Each room's log in Redis: a list of its newest messages (Orleans' binary format), a key holding its
/// last seq and one holding its epoch, changed together by one script per append. An append sends only its
/// own messages, so a message costs what it weighs whatever the window (<c>Room:HistoryLimit</c>), and the
/// list is trimmed to the window by the same script. The keys share a hash tag, so the scripts also run on
/// Redis Cluster. Redis losing the keys (a restart without persistence, FLUSHALL) loses the epoch with the
/// messages, so the next read starts a new epoch instead of numbering from 1 under the old one.
/// </summary>
public sealed class RedisMessageLog(IConnectionMultiplexer redis, Serializer<ChatMessage> serializer, string keyPrefix) : IMessageLog
{
    // KEYS: the list, the last seq, the epoch. ARGV: an epoch to take when there is none, how many to read.
    private const string Read = """
        redis.call('SET', KEYS[3], ARGV[1], 'NX')
        return { redis.call('GET', KEYS[3]), redis.call('GET', KEYS[2]) or '0', redis.call('LRANGE', KEYS[1], -tonumber(ARGV[2]), -1) }
        """;

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

    // KEYS: the list, the last seq, the epoch. ARGV: the epoch, the last seq, then the messages.
    private const string Replace = """
        redis.call('DEL', KEYS[1])
        if #ARGV > 2 then redis.call('RPUSH', KEYS[1], unpack(ARGV, 3)) end
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('SET', KEYS[3], ARGV[1])
        return 1
        """;

    // KEYS: the list, the last seq, the epoch.
    private const string Forget = """
        if (redis.call('GET', KEYS[2]) or '0') == '0' then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
        return 1
        """;

    public async Task<MessageLogTail> ReadTailAsync(string room, int limit)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Read, Keys(room), [MessageLogEpoch.New(), limit]))!;
        var stored = (RedisResult[])result[2]!;
        return new MessageLogTail((string)result[0]!, (long)result[1], [.. stored.Select(value => serializer.Deserialize((byte[])value!)!)]);
    }

    public async Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch, int retain)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var arguments = new RedisValue[3 + batch.Count];
        (arguments[0], arguments[1], arguments[2]) = (expectedLastSeq, batch[^1].Seq, retain);
        Serialize(batch, arguments, 3);
        var result = (long)await redis.GetDatabase().ScriptEvaluateAsync(Append, Keys(room)[..2], arguments);
        if (result != -1)
        {
            throw new MessageLogConflictException(room, expectedLastSeq, result);
        }
    }

    public async Task ReplaceAsync(string room, MessageLogTail tail)
    {
        var arguments = new RedisValue[2 + tail.Messages.Count];
        (arguments[0], arguments[1]) = (tail.Epoch, tail.LastSeq);
        Serialize(tail.Messages, arguments, 2);
        await redis.GetDatabase().ScriptEvaluateAsync(Replace, Keys(room), arguments);
    }

    public Task ForgetUnusedAsync(string room) => redis.GetDatabase().ScriptEvaluateAsync(Forget, Keys(room));

    private void Serialize(IReadOnlyList<ChatMessage> messages, RedisValue[] into, int from)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            into[from + i] = serializer.SerializeToArray(messages[i]);
        }
    }

    private RedisKey[] Keys(string room) =>
        [$"{keyPrefix}/{{{room}}}/log", $"{keyPrefix}/{{{room}}}/seq", $"{keyPrefix}/{{{room}}}/epoch"];
}
