using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Practice.EventStore;

namespace Practice.Cli.Benchmarks;

/// <summary>
/// The baseline: what a naive hand-written store does. One INSERT per transaction into a table shaped
/// like the store's events table; no streams table, no version check. Same pool settings, same JSON.
/// </summary>
internal sealed class RawEventWriter : IAsyncDisposable
{
    private const int ColumnsPerRow = 7;
    private readonly NpgsqlDataSource _dataSource;
    private readonly JsonSerializerOptions _json = StoreOptions.CreateJsonOptions();
    private readonly ConcurrentDictionary<int, string> _insertByRows = new();
    private readonly string _table;

    public RawEventWriter(string connectionString, string schema)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        StreamStore.ApplyPoolSettings(builder.ConnectionStringBuilder);
        _dataSource = builder.Build();
        _table = $"{schema}.raw_events";
    }

    /// <summary>LIKE ... INCLUDING ALL: the same columns, defaults, identity, unique constraints and indexes as the store's table.</summary>
    public async Task CreateTableAsync(string schema, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"CREATE TABLE {_table} (LIKE {schema}.events INCLUDING ALL)");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task InsertAsync(string streamId, long firstVersion, object[] events, CancellationToken cancellationToken)
    {
        var metadata = JsonSerializer.Serialize(new EventMetadata(), _json);
        await using var command = _dataSource.CreateCommand(_insertByRows.GetOrAdd(events.Length, InsertSql));
        for (var i = 0; i < events.Length; i++)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
            command.Parameters.Add(new NpgsqlParameter { Value = streamId });
            command.Parameters.Add(new NpgsqlParameter { Value = firstVersion + i });
            command.Parameters.Add(new NpgsqlParameter { Value = BenchEvents.Tenant });
            command.Parameters.Add(new NpgsqlParameter { Value = BenchEvents.TypeName });
            command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(events[i], events[i].GetType(), _json), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = metadata, NpgsqlDbType = NpgsqlDbType.Jsonb });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private string InsertSql(int rows)
    {
        var sql = new StringBuilder($"INSERT INTO {_table} (id, stream_id, version, tenant_id, type, data, metadata) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var column = 1; column <= ColumnsPerRow; column++)
            {
                sql.Append(column == 1 ? "$" : ", $").Append((row * ColumnsPerRow) + column);
            }
            sql.Append(')');
        }
        return sql.ToString();
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
