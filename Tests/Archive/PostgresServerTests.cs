using System.Net.Sockets;
using Npgsql;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Archive;

/// <summary>The PostgreSQL fixture itself: a real server that stores rows, refuses connections while stopped and keeps its rows across a restart.</summary>
public sealed class PostgresServerTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task ARowInsertedIntoANewTableReadsBackUnchanged()
    {
        var table = FreshTable("readback");
        await using var source = NpgsqlDataSource.Create(postgres.ConnectionString);
        await ExecuteAsync(source, $"CREATE TABLE {table} (id integer PRIMARY KEY, body text NOT NULL)");
        await ExecuteAsync(source, $"INSERT INTO {table} (id, body) VALUES (1, 'grüß dich, 世界')");

        Assert.Equal("grüß dich, 世界", await BodyAsync(source, table, id: 1));
    }

    [Fact]
    public async Task TheServerRefusesConnectionsWhileStoppedAndKeepsItsRowsWhenStartedAgain()
    {
        var table = FreshTable("restart");
        await using (var before = NpgsqlDataSource.Create(postgres.ConnectionString))
        {
            await ExecuteAsync(before, $"CREATE TABLE {table} (id integer PRIMARY KEY, body text NOT NULL)");
            await ExecuteAsync(before, $"INSERT INTO {table} (id, body) VALUES (7, 'kept')");
        }

        await postgres.StopAsync();
        try
        {
            await using var whileStopped = NpgsqlDataSource.Create(postgres.ConnectionString);
            var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await whileStopped.OpenConnectionAsync());
            Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);
        }
        finally
        {
            await postgres.StartAsync();
        }

        await using var after = NpgsqlDataSource.Create(postgres.ConnectionString);
        Assert.Equal("kept", await BodyAsync(after, table, id: 7));
    }

    private static string FreshTable(string purpose) => $"{purpose}_{Guid.NewGuid():N}";

    private static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> BodyAsync(NpgsqlDataSource source, string table, int id)
    {
        await using var command = source.CreateCommand($"SELECT body FROM {table} WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (string?)await command.ExecuteScalarAsync();
    }
}
