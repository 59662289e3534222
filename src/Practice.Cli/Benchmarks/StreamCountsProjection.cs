using System.Runtime.InteropServices;
using Practice.EventStore;
using Practice.EventStore.Projections;

namespace Practice.Cli.Benchmarks;

/// <summary>Events per stream. Batch-efficient: counts are folded in memory and upserted with one unnest statement per batch.</summary>
internal sealed class StreamCountsProjection : IProjection
{
    public const string TableName = "bench_stream_counts";

    public string Name => "bench_stream_counts";

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(TableName, """
            CREATE TABLE IF NOT EXISTS {table} (
                tenant_id    text   NOT NULL,
                stream_id    text   NOT NULL,
                events       bigint NOT NULL,
                last_version bigint NOT NULL,
                PRIMARY KEY (tenant_id, stream_id)
            )
            """),
    ];

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { BenchEvents.TypeName };

    /// <summary>Called with every batch as it is applied (inside its transaction); the lag phase hooks in here.</summary>
    public Action<IReadOnlyList<StoredEvent>>? Applying { get; set; }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        Applying?.Invoke(events);
        var perStream = new Dictionary<(string Tenant, string Stream), (long Events, long LastVersion)>();
        foreach (var stored in events)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(perStream, (stored.TenantId, stored.StreamId), out _);
            entry = (entry.Events + 1, Math.Max(entry.LastVersion, stored.Version));
        }
        var tenants = new string[perStream.Count];
        var streams = new string[perStream.Count];
        var counts = new long[perStream.Count];
        var versions = new long[perStream.Count];
        var i = 0;
        foreach (var ((tenant, stream), (count, version)) in perStream)
        {
            (tenants[i], streams[i], counts[i], versions[i]) = (tenant, stream, count, version);
            i++;
        }

        var table = context.Table(TableName);
        await using var command = context.CreateCommand($"""
            INSERT INTO {table} AS t (tenant_id, stream_id, events, last_version)
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
            ON CONFLICT (tenant_id, stream_id) DO UPDATE
               SET events = t.events + excluded.events, last_version = greatest(t.last_version, excluded.last_version)
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tenants });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = streams });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = counts });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = versions });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
