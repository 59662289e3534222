using System.Globalization;
using Npgsql;
using Practice.EventStore.Projections;

namespace Practice.EventStore;

/// <summary>
/// One page of a tenant's feed. <c>Next</c> is the cursor to read on from; it can move past other tenants'
/// events on an empty page, so an empty page with <c>Next</c> other than the cursor given means "keep paging",
/// and <c>Next</c> equal to it means caught up.
/// </summary>
public sealed record TenantFeedPage(IReadOnlyList<StoredEvent> Events, ProjectionPosition Next);

public sealed partial class StreamStore
{
    /// <summary>How many events, of all tenants, one feed read walks at most.</summary>
    public const int FeedScanWindow = 10_000;

    /// <summary>
    /// One tenant's events after a cursor, in the same gap-free order the daemon uses, so a client
    /// paging with the returned positions never misses an event that committed late. An event this store
    /// cannot deserialize (a type registered only by a newer version, say) comes as its stored JSON
    /// (a <see cref="System.Text.Json.JsonElement"/>) under its stored type name, so it never stops the feed.
    /// </summary>
    /// <param name="scanWindow">
    /// Events have no index by tenant in that order, so a read walks at most this many events of all tenants
    /// and its <see cref="TenantFeedPage.Next"/> says how far it got: a quiet tenant costs a bounded read per page.
    /// </param>
    /// <param name="storedTypes">When given, only events stored under these type names; the others are passed over as other tenants' are.</param>
    public async Task<TenantFeedPage> ReadTenantFeedAsync(string tenantId, ProjectionPosition after, int limit,
        int scanWindow = FeedScanWindow, IReadOnlyCollection<string>? storedTypes = null, CancellationToken cancellationToken = default)
    {
        EventSession.ValidateText(tenantId, nameof(tenantId));
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanWindow, 1);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(TenantFeedSql(Schema), connection);
        ProjectionProgress.AddPosition(command, after);
        command.Parameters.Add(new NpgsqlParameter { Value = scanWindow });
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)storedTypes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });

        var events = new List<StoredEvent>();
        var scannedTo = after;
        var metadata = new EventReader.MetadataCache(Serializer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            scannedTo = new ProjectionPosition(ulong.Parse(reader.GetString(10), CultureInfo.InvariantCulture), reader.GetInt64(11));
            if (!reader.IsDBNull(0))
            {
                events.Add(EventReader.Read(reader, Serializer, static _ => true, Unreadable.AsStoredJson, metadata));
            }
        }
        // A full page may leave more of the tenant's events in the window; otherwise the whole window is accounted for.
        var next = events.Count == limit ? ProjectionPosition.Of(events[^1]) : scannedTo;
        return new TenantFeedPage(events, next);
    }

    /// <summary>
    /// One statement, so the window and the safe head share one snapshot: two would each see their own and
    /// could step over an event. Every row carries where the window ended; when the window holds none of
    /// the tenant's events, one row carries only that. No row at all means the window was empty.
    /// The window is ORDER BY ... LIMIT so the planner walks the (tx, seq) index (xid8 has no statistics).
    /// </summary>
    private static string TenantFeedSql(string schema) => $"""
        WITH scanned AS MATERIALIZED (
            SELECT tx, seq, tenant_id, type
              FROM {schema}.events
             WHERE (tx, seq) > ($1::text::xid8, $2)
               AND tx < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY tx, seq
             LIMIT $3
        ), scan_end AS (
            SELECT tx::text AS end_tx, seq AS end_seq FROM scanned ORDER BY tx DESC, seq DESC LIMIT 1
        ), mine AS (
            SELECT seq FROM scanned WHERE tenant_id = $4 AND ($6::text[] IS NULL OR type = ANY ($6)) ORDER BY tx, seq LIMIT $5
        )
        SELECT {EventReader.Columns}, scan_end.end_tx, scan_end.end_seq
          FROM scan_end
          LEFT JOIN (mine JOIN {schema}.events USING (seq)) ON true
         ORDER BY tx, seq
        """;
}
