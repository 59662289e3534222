using Npgsql;
using Practice.EventStore.Projections;

namespace Practice.EventStore.Tests;

/// <summary>
/// Per-stream counters that are deliberately not idempotent: an event applied twice (or skipped)
/// leaves a row that differs from a rebuild and from the same figures computed from the events table.
/// </summary>
public sealed class StreamTotalsProjection : IProjection
{
    public const string TableName = "stream_totals";

    public string Name => "stream_totals";

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(TableName, """
            CREATE TABLE IF NOT EXISTS {table} (
                tenant_id    text    NOT NULL,
                stream_id    text    NOT NULL,
                events       bigint  NOT NULL,
                last_version bigint  NOT NULL,
                total        numeric NOT NULL,
                PRIMARY KEY (tenant_id, stream_id));
            """),
    ];

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "account-opened", "money-deposited" };

    /// <summary>The same figures straight from the events, for comparison.</summary>
    public static string ExpectedSql(string schema) => $"""
        SELECT tenant_id, stream_id, count(*), max(version),
               coalesce(sum((data ->> 'amount')::numeric) FILTER (WHERE type = 'money-deposited'), 0)
          FROM {schema}.events WHERE type IN ('account-opened', 'money-deposited')
         GROUP BY tenant_id, stream_id ORDER BY tenant_id, stream_id
        """;

    public static string ActualSql(string schema) =>
        $"SELECT tenant_id, stream_id, events, last_version, total FROM {schema}.{TableName} ORDER BY tenant_id, stream_id";

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var batch = context.CreateBatch();
        foreach (var stored in events)
        {
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO {context.Table(TableName)} AS t (tenant_id, stream_id, events, last_version, total)
                VALUES ($1, $2, 1, $3, $4)
                ON CONFLICT (tenant_id, stream_id) DO UPDATE
                   SET events = t.events + 1, last_version = greatest(t.last_version, excluded.last_version), total = t.total + excluded.total
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = stored.TenantId });
            command.Parameters.Add(new NpgsqlParameter { Value = stored.StreamId });
            command.Parameters.Add(new NpgsqlParameter { Value = stored.Version });
            command.Parameters.Add(new NpgsqlParameter { Value = stored.Data is Deposited deposited ? deposited.Amount : 0m });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
