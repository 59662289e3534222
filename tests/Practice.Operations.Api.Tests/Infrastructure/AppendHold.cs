using Npgsql;

namespace Practice.Operations.Api.Tests.Infrastructure;

/// <summary>
/// Stalls every append of the API's store: each takes the inline-projection lock shared first, and this holds it
/// exclusively until disposed. A test uses it to line up requests that are all still running.
/// </summary>
public sealed class AppendHold : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string _key;

    private AppendHold(NpgsqlConnection connection, NpgsqlTransaction transaction, string key) =>
        (_connection, _transaction, _key) = (connection, transaction, key);

    public static async Task<AppendHold> TakeAsync(OperationsApi api)
    {
        var key = $"practice-inline:{api.Schema}";
        var connection = await api.Store.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction);
        take.Parameters.AddWithValue(key);
        await take.ExecuteNonQueryAsync();
        return new AppendHold(connection, transaction, key);
    }

    /// <summary>Waits until <paramref name="count"/> appends are stalled behind the hold.</summary>
    public async Task WaitForStalledAsync(int count)
    {
        // A bigint advisory key shows in pg_locks as its high (classid) and low (objid) halves.
        await using var waiting = new NpgsqlCommand("""
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
               AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)
            """, _connection, _transaction);
        waiting.Parameters.AddWithValue(_key);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((long)(await waiting.ExecuteScalarAsync())! < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Expected {count} appends stalled behind the hold.");
            await Task.Delay(20);
        }
    }

    private bool _released;

    /// <summary>Lets the stalled appends go on; disposing does the same, once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }
        _released = true;
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
