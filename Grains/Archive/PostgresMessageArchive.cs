using Npgsql;
using NpgsqlTypes;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;

namespace OrleansChat.Grains.Archive;

/// <summary>
/// The archive in PostgreSQL. Messages are keyed by (room, seq), so the newest page of a room is one
/// descent of the primary key however many messages the room and the table hold; a room's row in
/// <c>chat_rooms</c> holds its epoch and last seq, and an append claims that row and inserts the batch in
/// one statement, together with the batches of every other room waiting meanwhile (<see cref="ArchiveAppends"/>). Text search uses the language-neutral <c>simple</c> configuration over a stored
/// tsvector of the lower-cased text, indexed together with the room. The schema is created on first use (docs/archive.md).
/// </summary>
public sealed class PostgresMessageArchive : IMessageArchive
{
    private const string Schema = """
        SELECT pg_advisory_xact_lock(7422011);
        CREATE EXTENSION IF NOT EXISTS btree_gin;
        CREATE TABLE IF NOT EXISTS chat_rooms (
            room     text   PRIMARY KEY,
            epoch    text   NOT NULL,
            last_seq bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS chat_messages (
            room      text        NOT NULL,
            seq       bigint      NOT NULL,
            client_id text        NOT NULL,
            sender    text        NOT NULL,
            body      text        NOT NULL,
            sent_at   timestamptz NOT NULL,
            words     tsvector    NOT NULL,
            PRIMARY KEY (room, seq)
        );
        CREATE INDEX IF NOT EXISTS chat_messages_words ON chat_messages USING gin (room, words);
        CREATE INDEX IF NOT EXISTS chat_messages_sent_at ON chat_messages USING brin (sent_at);
        """;

    // The statement sees the table as it was before its insert, hence the union: the new row or the old one.
    private const string Open = """
        WITH inserted AS (
            INSERT INTO chat_rooms (room, epoch) VALUES ($1, $2) ON CONFLICT (room) DO NOTHING RETURNING epoch, last_seq
        )
        SELECT epoch, last_seq FROM inserted
        UNION ALL
        SELECT epoch, last_seq FROM chat_rooms WHERE room = $1
        LIMIT 1
        """;

    // Claims each room's row at its expected last seq and inserts the messages of the rooms claimed, in one
    // statement: a room whose claim fails (another writer moved its seq) inserts nothing, and the others
    // are not held up by it. Returns the rooms claimed.
    private const string Append = """
        WITH claimed AS (
            UPDATE chat_rooms SET last_seq = input.last_seq
            FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS input(room, expected, last_seq)
            WHERE chat_rooms.room = input.room AND chat_rooms.last_seq = input.expected
            RETURNING chat_rooms.room
        ), inserted AS (
            INSERT INTO chat_messages (room, seq, client_id, sender, body, sent_at, words)
            SELECT m.room, m.seq, m.client_id, m.sender, m.body, m.sent_at, to_tsvector('simple', m.folded)
            FROM unnest($4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[])
                AS m(room, seq, client_id, sender, body, sent_at, folded)
            WHERE m.room IN (SELECT room FROM claimed)
        )
        SELECT room FROM claimed
        """;

    private const string Columns = "seq, client_id, sender, body, sent_at";

    private readonly NpgsqlDataSource _database;
    private readonly ArchiveAppends _appends;
    private readonly Lock _schemaLock = new();
    private Task? _schema;

    public PostgresMessageArchive(NpgsqlDataSource database)
    {
        _database = database;
        _appends = new ArchiveAppends(WriteAsync);
    }

    public async Task<ArchivedRoom> OpenAsync(string room, string proposedEpoch)
    {
        await SchemaAsync();
        await using var command = _database.CreateCommand(Open);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = proposedEpoch });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new ArchivedRoom(reader.GetString(0), reader.GetInt64(1));
    }

    public Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch) =>
        batch.Count == 0 ? Task.CompletedTask : _appends.AppendAsync(room, expectedLastSeq, batch);

    public async Task SetEpochAsync(string room, string epoch)
    {
        await SchemaAsync();
        await using var command = _database.CreateCommand("UPDATE chat_rooms SET epoch = $2 WHERE room = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = epoch });
        await command.ExecuteNonQueryAsync();
    }

    public async Task ForgetUnusedAsync(string room)
    {
        await SchemaAsync();
        await using var command = _database.CreateCommand("DELETE FROM chat_rooms WHERE room = $1 AND last_seq = 0");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The rooms' batches in one statement (<see cref="ArchiveAppends"/>); returns the rooms not claimed, with their last seq.</summary>
    private async Task<IReadOnlyDictionary<string, long>> WriteAsync(IReadOnlyList<ArchiveAppend> appends)
    {
        await SchemaAsync();
        var messages = appends.SelectMany(a => a.Messages).ToList();
        await using var command = _database.CreateCommand(Append);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. appends.Select(a => a.Room)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. appends.Select(a => a.ExpectedLastSeq)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. appends.Select(a => a.Messages[^1].Seq)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. messages.Select(m => m.Room)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. messages.Select(m => m.Seq)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. messages.Select(m => m.Id)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. messages.Select(m => m.User)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. messages.Select(m => m.Text)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. messages.Select(m => m.SentAt.ToUniversalTime())], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. messages.Select(m => Fold(m.Text))] });
        HashSet<string> claimed = new(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                claimed.Add(reader.GetString(0));
            }
        }

        if (claimed.Count == appends.Count)
        {
            return new Dictionary<string, long>();
        }

        string[] refused = [.. appends.Select(a => a.Room).Where(room => !claimed.Contains(room))];
        await using var lastSeqs = _database.CreateCommand("SELECT room, last_seq FROM chat_rooms WHERE room = ANY($1)");
        lastSeqs.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = refused });
        var conflicts = refused.ToDictionary(room => room, _ => 0L, StringComparer.Ordinal);
        await using var rows = await lastSeqs.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            conflicts[rows.GetString(0)] = rows.GetInt64(1);
        }

        return conflicts;
    }

    public async Task<IReadOnlyList<ChatMessage>> ReadBeforeAsync(string room, long beforeSeq, int limit)
    {
        await SchemaAsync();
        var page = await QueryAsync(room, $"SELECT {Columns} FROM chat_messages WHERE room = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3", beforeSeq, limit);
        page.Reverse();
        return page;
    }

    public async Task<IReadOnlyList<ChatMessage>> SearchAsync(string room, string query, long? beforeSeq, int limit)
    {
        await SchemaAsync();
        return await QueryAsync(room,
            $"SELECT {Columns} FROM chat_messages WHERE room = $1 AND words @@ websearch_to_tsquery('simple', $4) AND seq < $2 ORDER BY seq DESC LIMIT $3",
            beforeSeq ?? long.MaxValue, limit, Fold(query));
    }

    public async Task<int> DeleteSentBeforeAsync(DateTimeOffset cutoff, int limit)
    {
        await SchemaAsync();
        await using var command = _database.CreateCommand(
            "DELETE FROM chat_messages WHERE ctid = ANY (ARRAY(SELECT ctid FROM chat_messages WHERE sent_at < $1 LIMIT $2))");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoff.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Text and queries are lower-cased here rather than by the database, whose lower-casing follows its
    /// locale (none at all under the C locale), so that search ignores case in every script on every server.
    /// </summary>
    private static string Fold(string text) => text.ToLowerInvariant();

    /// <summary>Creates the schema once per process; a failure (the database not answering yet) is tried again by the next call.</summary>
    private Task SchemaAsync()
    {
        lock (_schemaLock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                _schema = CreateSchemaAsync();
            }

            return _schema;
        }
    }

    private async Task CreateSchemaAsync()
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private async Task<List<ChatMessage>> QueryAsync(string room, string sql, long seq, int limit, string? query = null)
    {
        await using var command = _database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seq });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        if (query is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query });
        }

        List<ChatMessage> messages = [];
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            messages.Add(new ChatMessage(room, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return messages;
    }
}
