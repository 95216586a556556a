using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.Archive;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Archive;

/// <summary>The PostgreSQL archive against a real PostgreSQL server.</summary>
public sealed class PostgresMessageArchiveTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private static readonly DateTimeOffset Recently = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _database = null!;
    private PostgresMessageArchive _archive = null!;

    public Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(postgres.ConnectionString);
        _archive = new PostgresMessageArchive(_database);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static List<ChatMessage> Messages(string room, long from, int count, Func<long, string>? text = null, DateTimeOffset? at = null) =>
        [.. Enumerable.Range(0, count).Select(i => from + i).Select(seq =>
            new ChatMessage(room, seq, $"id-{seq}", "ana", text?.Invoke(seq) ?? $"text {seq}", (at ?? Recently).AddSeconds(seq).AddTicks(10 * seq)))];

    private async Task<string> OpenAsync(string room) => (await _archive.OpenAsync(room, $"epoch-{room}")).Epoch;

    [Fact]
    public async Task ARoomIsRecordedWithTheFirstEpochProposedAndKeepsIt()
    {
        var room = Rooms.Fresh("archive-epoch");

        var first = await _archive.OpenAsync(room, "first");
        var second = await _archive.OpenAsync(room, "second");

        Assert.Equal(new ArchivedRoom("first", 0), first);
        Assert.Equal(new ArchivedRoom("first", 0), second);
    }

    [Fact]
    public async Task ANewEpochKeepsTheRoomsMessagesAndLastSeq()
    {
        var room = Rooms.Fresh("archive-new-epoch");
        await OpenAsync(room);
        await _archive.AppendAsync(room, 0, Messages(room, 1, 3));

        await _archive.SetEpochAsync(room, "next");
        var reopened = await _archive.OpenAsync(room, "ignored");

        Assert.Equal(new ArchivedRoom("next", 3), reopened);
        Assert.Equal([1L, 2L, 3L], (await _archive.ReadBeforeAsync(room, 4, 10)).Select(m => m.Seq));
    }

    [Fact]
    public async Task AThousandMessagesPageBackToSeqOneInOrderAndUnchanged()
    {
        var room = Rooms.Fresh("archive-paging");
        await OpenAsync(room);
        var sent = Messages(room, 1, 1_000);
        foreach (var batch in sent.Chunk(37))
        {
            await _archive.AppendAsync(room, batch[0].Seq - 1, batch);
        }

        List<ChatMessage> paged = [];
        for (var before = 1_001L; before > 1;)
        {
            var page = await _archive.ReadBeforeAsync(room, before, 100);
            Assert.Equal(100, page.Count);
            paged.InsertRange(0, page);
            before = page[0].Seq;
        }

        Assert.Equal(sent, paged);
        Assert.Empty(await _archive.ReadBeforeAsync(room, 1, 100));
        Assert.Equal(1_000, (await _archive.OpenAsync(room, "other")).LastSeq);
    }

    [Fact]
    public async Task AnAppendThatDoesNotContinueTheRoomIsRefusedAndStoresNothing()
    {
        var room = Rooms.Fresh("archive-conflict");
        await OpenAsync(room);
        await _archive.AppendAsync(room, 0, Messages(room, 1, 3));

        var stale = await Assert.ThrowsAsync<MessageLogConflictException>(() => _archive.AppendAsync(room, 2, Messages(room, 3, 2)));
        var unknown = await Assert.ThrowsAsync<MessageLogConflictException>(() => _archive.AppendAsync(Rooms.Fresh("archive-unopened"), 0, Messages(room, 1, 1)));

        Assert.Equal(3, stale.ActualLastSeq);
        Assert.Equal(0, unknown.ActualLastSeq);
        Assert.Equal(Messages(room, 1, 3), await _archive.ReadBeforeAsync(room, 100, 100));
    }

    [Fact]
    public async Task SearchFindsWholeWordsInAnyCaseAndPhrasesNewestFirstInThatRoomOnly()
    {
        var (room, other) = (Rooms.Fresh("archive-search"), Rooms.Fresh("archive-search-other"));
        await OpenAsync(room);
        await OpenAsync(other);
        string[] texts = ["The Deploy failed", "lunch?", "deploy again tomorrow", "deployment notes", "Ünïcödé deploy works", "failed deploy"];
        await _archive.AppendAsync(room, 0, Messages(room, 1, texts.Length, seq => texts[seq - 1]));
        await _archive.AppendAsync(other, 0, Messages(other, 1, 1, _ => "deploy elsewhere"));

        var deploy = await _archive.SearchAsync(room, "DEPLOY", null, 10);
        var paged = await _archive.SearchAsync(room, "deploy", beforeSeq: 5, 2);
        var phrase = await _archive.SearchAsync(room, "\"deploy failed\"", null, 10);
        var excluded = await _archive.SearchAsync(room, "deploy -failed", null, 10);
        var unicode = await _archive.SearchAsync(room, "ÜNÏCÖDÉ", null, 10);
        var miss = await _archive.SearchAsync(room, "dinner", null, 10);
        var onlySymbols = await _archive.SearchAsync(room, "&|!:*", null, 10);

        Assert.Equal([6L, 5, 3, 1], deploy.Select(m => m.Seq));
        Assert.All(deploy, m => Assert.Equal(room, m.Room));
        Assert.Equal([3L, 1], paged.Select(m => m.Seq));
        Assert.Equal([1L], phrase.Select(m => m.Seq));
        Assert.Equal([5L, 3], excluded.Select(m => m.Seq));
        Assert.Equal([5L], unicode.Select(m => m.Seq));
        Assert.Empty(miss);
        Assert.Empty(onlySymbols);
    }

    [Fact]
    public async Task TheNewestPageOfARoomWithManyMessagesReadsNoMoreThanThatOfASmallRoom()
    {
        var (large, small) = (Rooms.Fresh("archive-large"), Rooms.Fresh("archive-small"));
        await OpenAsync(small);
        await _archive.AppendAsync(small, 0, Messages(small, 1, 100));
        await OpenAsync(large);
        await _archive.AppendAsync(large, 0, Messages(large, 1, 1));
        await ExecuteAsync($"""
            INSERT INTO chat_messages (room, seq, client_id, sender, body, sent_at, words)
            SELECT '{large}', seq, 'id-' || seq, 'ana', 'bulk text ' || seq, now(), to_tsvector('simple', 'bulk text ' || seq) FROM generate_series(2, 300000) AS seq;
            UPDATE chat_rooms SET last_seq = 300000 WHERE room = '{large}';
            ANALYZE chat_messages;
            """);

        var smallBuffers = await BuffersReadByNewestPageAsync(small, 101);
        var largeBuffers = await BuffersReadByNewestPageAsync(large, 300_001);

        // A page is one descent of the (room, seq) index plus the rows' pages; a scan or sort would read thousands.
        Assert.InRange(largeBuffers, 1, smallBuffers + 3);
        Assert.Equal(Enumerable.Range(299_901, 100).Select(i => (long)i), (await _archive.ReadBeforeAsync(large, 300_001, 100)).Select(m => m.Seq));
    }

    [Fact]
    public async Task RetentionRemovesOnlyOldMessagesInBatchesAndTheRoomNumbersOnFromItsLastSeq()
    {
        var room = Rooms.Fresh("archive-retention");
        var longAgo = new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await OpenAsync(room);
        await _archive.AppendAsync(room, 0, Messages(room, 1, 7, at: longAgo));
        await _archive.AppendAsync(room, 7, Messages(room, 8, 2, at: longAgo.AddDays(30)));
        var retention = new ArchiveRetention(_archive, Options.Create(new ArchiveOptions { RetentionBatch = 3 }),
            new FixedTime(longAgo.AddDays(20)), NullLogger<ArchiveRetention>.Instance);

        var removed = await retention.RemoveExpiredAsync(TimeSpan.FromDays(10), CancellationToken.None);
        await _archive.AppendAsync(room, 9, Messages(room, 10, 1));

        Assert.Equal(7, removed);
        Assert.Equal([8L, 9, 10], (await _archive.ReadBeforeAsync(room, 100, 100)).Select(m => m.Seq));
        Assert.Equal(10, (await _archive.OpenAsync(room, "other")).LastSeq);
    }

    private async Task<long> BuffersReadByNewestPageAsync(string room, long beforeSeq)
    {
        await using var command = _database.CreateCommand(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT seq, client_id, sender, body, sent_at FROM chat_messages WHERE room = $1 AND seq < $2 ORDER BY seq DESC LIMIT 100");
        command.Parameters.Add(new NpgsqlParameter { Value = room });
        command.Parameters.Add(new NpgsqlParameter { Value = beforeSeq });
        using var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!);
        var top = plan.RootElement[0].GetProperty("Plan");
        return top.GetProperty("Shared Hit Blocks").GetInt64() + top.GetProperty("Shared Read Blocks").GetInt64();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
