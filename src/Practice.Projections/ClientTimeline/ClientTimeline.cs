using System.Buffers.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Practice.Domain;
using Practice.EventStore;
using Practice.EventStore.Projections;
using static Practice.Projections.ProjectionSql;

namespace Practice.Projections.ClientTimeline;

/// <summary>
/// One fact about a client. OccurredAt is the event's own time (Now of its command). Clinical entries are
/// charting facts (findings, techniques, pain, adverse events, notes, measures, plans) that front-desk callers
/// must not see; Data is the event as stored. A front-desk caller gets the other entries without the clinical
/// details some hold (the cautions acknowledged to start a session, the modalities it used), in Summary and in Data alike.
/// </summary>
public sealed record ClientTimelineEntry(
    Guid EventId,
    string Type,
    DateTimeOffset OccurredAt,
    string Summary,
    bool Clinical,
    JsonElement Data);

/// <summary>NextCursor is null on the last page; pass it back to read the next, older page.</summary>
public sealed record ClientTimelinePage(IReadOnlyList<ClientTimelineEntry> Entries, string? NextCursor);

/// <summary>
/// Insert-only: each event adds at most one row keyed by its id, so a replay changes nothing. Summaries name
/// therapists and show local times from a small table of references the projection keeps itself (therapist
/// names, location time zones, appointment locations, goal texts), so it never reads other streams. Every
/// batch is two statements in one round trip: references first, then all entries from arrays.
/// </summary>
public sealed class ClientTimelineProjection : IProjection
{
    public const string ProjectionName = "client_timeline";
    internal const string EntriesTable = "client_timeline";
    internal const string ReferencesTable = "client_timeline_references";

    private static readonly JsonSerializerOptions Json = StoreOptions.CreateJsonOptions();

    public string Name => ProjectionName;

    // 2: cautions acknowledged with a technique are named in its summary.
    public int Version => 2;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(EntriesTable, """
            CREATE TABLE IF NOT EXISTS {table} (
                event_id uuid PRIMARY KEY,
                tenant_id text NOT NULL,
                client_id uuid NOT NULL,
                seq bigint NOT NULL,
                type text NOT NULL,
                occurred_at timestamptz NOT NULL,
                summary text NOT NULL,
                clinical boolean NOT NULL,
                data jsonb NOT NULL);
            CREATE INDEX IF NOT EXISTS {name}_by_client ON {table} (tenant_id, client_id, occurred_at DESC, seq DESC);
            """),
        new(ReferencesTable, """
            CREATE TABLE IF NOT EXISTS {table} (
                tenant_id text NOT NULL,
                id uuid NOT NULL,
                name text,
                time_zone text,
                location_id uuid,
                PRIMARY KEY (tenant_id, id));
            """),
    ];

    // Every event that carries a ClientId, plus the few that summaries refer to.
    public IReadOnlySet<string> EventTypes { get; } = DomainEvents.All
        .Where(pair => pair.Value.GetProperty("ClientId") is not null
            || pair.Value == typeof(Practice.Domain.Staff.TherapistRegistered)
            || pair.Value == typeof(Practice.Domain.Clinics.LocationAdded))
        .Select(pair => pair.Key)
        .ToHashSet(StringComparer.Ordinal);

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        // Keyed by (tenant, id) and last one wins: one INSERT ... ON CONFLICT DO UPDATE may not touch a row twice.
        var references = new Dictionary<(string TenantId, Guid Id), TimelineReference>();
        var entries = new List<(StoredEvent Stored, TimelineEntry Entry)>(events.Count);
        foreach (var stored in events)
        {
            foreach (var reference in TimelineSummaries.References(stored.Data))
            {
                references[(stored.TenantId, reference.Id)] = reference;
            }
            if ((TimelineSummaries.Describe(stored.Data) ?? TimelineSummaries.Fallback(stored)) is { } entry)
            {
                entries.Add((stored, entry));
            }
        }

        // References before entries is the order events can have: a therapist, location, appointment or goal
        // exists before anything that names it, so entries never see a reference from their future.
        await using var batch = context.CreateBatch();
        if (references.Count > 0)
        {
            batch.BatchCommands.Add(UpsertReferences(context.Table(ReferencesTable), references));
        }
        if (entries.Count > 0)
        {
            batch.BatchCommands.Add(InsertEntries(context.Table(EntriesTable), context.Table(ReferencesTable), entries));
        }
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static NpgsqlBatchCommand UpsertReferences(string table, Dictionary<(string TenantId, Guid Id), TimelineReference> references) => Command($"""
        INSERT INTO {table} (tenant_id, id, name, time_zone, location_id)
        SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::uuid[])
        ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, location_id = excluded.location_id
        """,
        Array(references.Keys.Select(key => key.TenantId).ToArray(), NpgsqlDbType.Text),
        Array(references.Keys.Select(key => key.Id).ToArray(), NpgsqlDbType.Uuid),
        Array(references.Values.Select(r => r.Name).ToArray(), NpgsqlDbType.Text),
        Array(references.Values.Select(r => r.TimeZone).ToArray(), NpgsqlDbType.Text),
        Array(references.Values.Select(r => r.LocationId).ToArray(), NpgsqlDbType.Uuid));

    private static NpgsqlBatchCommand InsertEntries(string table, string references, List<(StoredEvent Stored, TimelineEntry Entry)> entries)
    {
        static string Local(string column) => $"""
            CASE WHEN {column} IS NOT NULL THEN
                to_char({column} AT TIME ZONE coalesce(l.time_zone, 'UTC'), 'YYYY-MM-DD HH24:MI')
                || CASE WHEN l.time_zone IS NULL THEN ' UTC' ELSE '' END
            END
            """;
        return Command($"""
            INSERT INTO {table} (event_id, tenant_id, client_id, seq, type, occurred_at, summary, clinical, data)
            SELECT e.event_id, e.tenant_id, e.client_id, e.seq, e.type, e.occurred_at,
                   format(e.template, coalesce(n.name, e.name_fallback), {Local("e.first_time")}, {Local("e.second_time")}),
                   e.clinical, e.data
              FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::bigint[], $5::text[], $6::timestamptz[], $7::text[], $8::boolean[],
                          $9::jsonb[], $10::uuid[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::uuid[], $15::uuid[])
                   AS e(event_id, tenant_id, client_id, seq, type, occurred_at, template, clinical,
                        data, name_ref, name_fallback, first_time, second_time, location_id, appointment_id)
              LEFT JOIN {references} n ON n.tenant_id = e.tenant_id AND n.id = e.name_ref
              LEFT JOIN {references} a ON a.tenant_id = e.tenant_id AND a.id = e.appointment_id
              LEFT JOIN {references} l ON l.tenant_id = e.tenant_id AND l.id = coalesce(e.location_id, a.location_id)
            ON CONFLICT (event_id) DO NOTHING
            """,
            Array(entries.Select(x => x.Stored.Id).ToArray(), NpgsqlDbType.Uuid),
            Array(entries.Select(x => x.Stored.TenantId).ToArray(), NpgsqlDbType.Text),
            Array(entries.Select(x => x.Entry.ClientId).ToArray(), NpgsqlDbType.Uuid),
            Array(entries.Select(x => x.Stored.Sequence).ToArray(), NpgsqlDbType.Bigint),
            Array(entries.Select(x => x.Stored.TypeName).ToArray(), NpgsqlDbType.Text),
            Array(entries.Select(x => Utc(x.Entry.OccurredAt)).ToArray(), NpgsqlDbType.TimestampTz),
            Array(entries.Select(x => x.Entry.Template).ToArray(), NpgsqlDbType.Text),
            Array(entries.Select(x => x.Entry.Clinical).ToArray(), NpgsqlDbType.Boolean),
            Array(entries.Select(x => JsonSerializer.Serialize(x.Stored.Data, x.Stored.Data.GetType(), Json)).ToArray(), NpgsqlDbType.Jsonb),
            Array(entries.Select(x => x.Entry.NameRef).ToArray(), NpgsqlDbType.Uuid),
            Array(entries.Select(x => x.Entry.NameFallback).ToArray(), NpgsqlDbType.Text),
            Array(entries.Select(x => Utc(x.Entry.FirstTime)).ToArray(), NpgsqlDbType.TimestampTz),
            Array(entries.Select(x => Utc(x.Entry.SecondTime)).ToArray(), NpgsqlDbType.TimestampTz),
            Array(entries.Select(x => x.Entry.LocationId).ToArray(), NpgsqlDbType.Uuid),
            Array(entries.Select(x => x.Entry.AppointmentId).ToArray(), NpgsqlDbType.Uuid));
    }
}

/// <summary>Reads client timelines; every query is scoped to the caller's tenant.</summary>
public static class ClientTimelineQueries
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// One page of the client's timeline, newest first (by occurred-at, then global sequence). Pass the previous
    /// page's NextCursor for the next one. includeClinical false leaves clinical entries out before paging, so
    /// front-desk pages are full. An unreadable cursor throws ArgumentException (parameter "cursor").
    /// </summary>
    public static async Task<ClientTimelinePage> GetPageAsync(
        NpgsqlDataSource dataSource, string schema, string tenantId, Guid clientId, int pageSize, string? cursor = null,
        bool includeClinical = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = cursor is null ? (Guid?)null : ParseCursor(cursor);
        var table = Table(schema, ClientTimelineProjection.EntriesTable);

        // The cursor is the last entry shown; paging goes on from its place in (occurred_at, seq) order, looked up
        // here, so the global sequence, which would tell how much other clinics write, never leaves the server.
        await using var command = dataSource.CreateCommand($"""
            WITH anchor AS (
                SELECT occurred_at, seq FROM {table} WHERE tenant_id = $1 AND client_id = $2 AND event_id = $5)
            SELECT event_id, seq, type, occurred_at,
                   CASE WHEN $3 THEN summary ELSE split_part(summary, $6, 1) END, clinical,
                   CASE WHEN $3 THEN data ELSE data - $7::text[] END
              FROM {table}
             WHERE tenant_id = $1 AND client_id = $2 AND ($3 OR NOT clinical)
               {(after is null ? "" : "AND (occurred_at, seq) < (SELECT occurred_at, seq FROM anchor)")}
             ORDER BY occurred_at DESC, seq DESC
             LIMIT $4
            """);
        command.Parameters.Add(Value(tenantId));
        command.Parameters.Add(Value(clientId));
        command.Parameters.Add(Value(includeClinical));
        command.Parameters.Add(Value(pageSize + 1));
        command.Parameters.Add(Value(after ?? Guid.Empty));
        command.Parameters.Add(Value(TimelineSummaries.FrontDeskHiddenFrom));
        command.Parameters.Add(Value(TimelineSummaries.FrontDeskHiddenFields));

        var entries = new List<ClientTimelineEntry>(pageSize + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new ClientTimelineEntry(
                    reader.GetGuid(0),
                    reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetString(4),
                    reader.GetBoolean(5),
                    reader.GetFieldValue<JsonElement>(6)));
            }
        }
        // A page after the cursor's entry is empty both when the timeline ends there and when the cursor is not one
        // of this timeline's; only the second is the caller's mistake.
        if (after is { } anchorId && entries.Count == 0 && !await AnchorExistsAsync(dataSource, table, tenantId, clientId, anchorId, cancellationToken))
        {
            throw new ArgumentException("The cursor is not one this timeline handed out.", nameof(cursor));
        }
        if (entries.Count <= pageSize)
        {
            return new ClientTimelinePage(entries, null);
        }
        entries.RemoveAt(pageSize);
        return new ClientTimelinePage(entries, Base64Url.EncodeToString(entries[^1].EventId.ToByteArray()));
    }

    private static async Task<bool> AnchorExistsAsync(
        NpgsqlDataSource dataSource, string table, string tenantId, Guid clientId, Guid eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {table} WHERE tenant_id = $1 AND client_id = $2 AND event_id = $3)");
        command.Parameters.Add(Value(tenantId));
        command.Parameters.Add(Value(clientId));
        command.Parameters.Add(Value(eventId));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A cursor is the event id of the last entry shown, base64url; opaque to callers, who only hand it back.</summary>
    private static Guid ParseCursor(string cursor)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            if (bytes.Length == 16)
            {
                return new Guid(bytes);
            }
        }
        catch (FormatException)
        {
        }
        throw new ArgumentException("The cursor is not one this timeline handed out.", nameof(cursor));
    }
}
