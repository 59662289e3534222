using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Practice.EventStore;

namespace Practice.ServiceDefaults;

/// <summary>What one audited read disclosed: the record's id, and the clients it is about (a day sheet or a feed page names several).</summary>
public sealed record AccessedRecord(string RecordId, IReadOnlyCollection<Guid> ClientIds)
{
    public static AccessedRecord About(string recordId, Guid? clientId) => new(recordId, clientId is { } client ? [client] : []);
}

/// <summary>
/// One line of the access audit log: who read which clinical record, when, and in which trace. Its id is its own, not
/// the log's row number, which counts every clinic's reads and would tell one clinic how busy the others are.
/// </summary>
public sealed record AccessLogEntry(Guid Id, DateTimeOffset AccessedAt, string UserId, string Role, string Record, string RecordId, Guid? ClientId, string? TraceId);

public sealed record AccessLogPage(IReadOnlyList<AccessLogEntry> Entries, string? NextCursor);

/// <summary>
/// Electronic clinical records need an access audit log: every successful read of one is recorded before its answer is
/// sent, so a read that could not be recorded is not answered. Writes need no such log, since every event carries its user.
/// </summary>
public static class AccessAudit
{
    public const int MaxPageSize = 500;

    /// <summary>Creates the log once, under an advisory lock so that hosts starting together do not race; an existing log is not touched.</summary>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock(hashtextextended('practice-access-log:{schema}', 0));
            DO $audit$
            BEGIN
                IF to_regclass('{schema}.access_log') IS NULL THEN
                    CREATE TABLE {schema}.access_log (
                        id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        tenant_id   text        NOT NULL,
                        accessed_at timestamptz NOT NULL DEFAULT now(),
                        user_id     text        NOT NULL,
                        role        text        NOT NULL,
                        record      text        NOT NULL,
                        record_id   text        NOT NULL,
                        client_id   uuid,
                        trace_id    text);
                    CREATE INDEX access_log_tenant ON {schema}.access_log (tenant_id, id);
                    CREATE INDEX access_log_client ON {schema}.access_log (tenant_id, client_id, id) WHERE client_id IS NOT NULL;
                END IF;
                -- A log from before entries had ids of their own: new rows get one from the default, old ones once here.
                IF NOT EXISTS (SELECT FROM information_schema.columns
                                WHERE table_schema = '{schema}' AND table_name = 'access_log' AND column_name = 'entry_id') THEN
                    ALTER TABLE {schema}.access_log ADD COLUMN entry_id uuid;
                    ALTER TABLE {schema}.access_log ALTER COLUMN entry_id SET DEFAULT gen_random_uuid();
                    UPDATE {schema}.access_log SET entry_id = gen_random_uuid() WHERE entry_id IS NULL;
                    CREATE UNIQUE INDEX access_log_entry ON {schema}.access_log (tenant_id, entry_id);
                END IF;
            END $audit$;
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A read of a record keyed by the client's own id, taken from the route value <paramref name="clientIdParameter"/>.</summary>
    public static RouteHandlerBuilder AuditsClientAccess(this RouteHandlerBuilder builder, string record, string clientIdParameter = "clientId") =>
        builder.AuditsAccess(record, (http, _) =>
        {
            var id = http.Request.RouteValues[clientIdParameter]?.ToString() ?? "";
            return AccessedRecord.About(id, Guid.TryParse(id, out var clientId) ? clientId : null);
        });

    /// <summary>A read of a record keyed by the route value <paramref name="idParameter"/>, about the client <paramref name="clientOf"/> finds in the answer.</summary>
    public static RouteHandlerBuilder AuditsAccess(this RouteHandlerBuilder builder, string record, string idParameter, Func<object?, Guid?> clientOf) =>
        builder.AuditsAccess(record, (http, value) => AccessedRecord.About(http.Request.RouteValues[idParameter]?.ToString() ?? "", clientOf(value)));

    /// <summary>
    /// Records every 2xx answer of the endpoint in the access log before the answer is written, one entry per client it
    /// is about (or one without a client); <paramref name="identify"/> is given the request and the answer's value, and
    /// returns null when the answer disclosed nothing. An answer that is not a success discloses nothing and is not recorded.
    /// </summary>
    public static RouteHandlerBuilder AuditsAccess(this RouteHandlerBuilder builder, string record, Func<HttpContext, object?, AccessedRecord?> identify)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(record);
        ArgumentNullException.ThrowIfNull(identify);
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (result is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 })
            {
                var http = context.HttpContext;
                if (identify(http, (result as IValueHttpResult)?.Value) is { } accessed)
                {
                    await RecordAsync(http.RequestServices.GetRequiredService<StreamStore>(), http.User, record, accessed, http.RequestAborted);
                }
            }
            return result;
        });
    }

    private static async Task RecordAsync(StreamStore store, ClaimsPrincipal caller, string record, AccessedRecord accessed, CancellationToken cancellationToken)
    {
        // One statement, so an entry per client is written all or not at all.
        await using var command = store.DataSource.CreateCommand($"""
            INSERT INTO {store.Schema}.access_log (tenant_id, user_id, role, record, record_id, client_id, trace_id)
            SELECT $1, $2, $3, $4, $5, client, $7
              FROM unnest(CASE WHEN cardinality($6::uuid[]) = 0 THEN ARRAY[NULL::uuid] ELSE $6::uuid[] END) AS client
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = caller.TenantId() });
        command.Parameters.Add(new NpgsqlParameter { Value = caller.UserId() });
        command.Parameters.Add(new NpgsqlParameter { Value = caller.FindFirstValue(PracticeClaims.Role) ?? "" });
        command.Parameters.Add(new NpgsqlParameter { Value = record });
        command.Parameters.Add(new NpgsqlParameter { Value = accessed.RecordId });
        command.Parameters.Add(new NpgsqlParameter { Value = accessed.ClientIds.Distinct().ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = Activity.Current?.TraceId.ToString() is { } trace ? trace : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The tenant's log, newest first, optionally of one client's records or one user's reads; <paramref name="after"/> is a
    /// page's cursor, the id of the last entry it showed. Null when that is no entry of this tenant's log.
    /// </summary>
    public static async Task<AccessLogPage?> ReadAsync(
        StreamStore store, string tenantId, Guid? clientId, string? userId, Guid? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        // The anchor is looked up in this tenant's log only, so another clinic's entry id is no cursor here.
        await using var command = store.DataSource.CreateCommand($"""
            SELECT entry_id, accessed_at, user_id, role, record, record_id, client_id, trace_id
              FROM {store.Schema}.access_log
             WHERE tenant_id = $1 AND ($2::uuid IS NULL OR client_id = $2) AND ($3::text IS NULL OR user_id = $3)
               AND ($4::uuid IS NULL OR id < (SELECT a.id FROM {store.Schema}.access_log a WHERE a.tenant_id = $1 AND a.entry_id = $4))
             ORDER BY id DESC
             LIMIT $5
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = clientId is { } client ? client : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = userId is { } user ? user : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = after is { } cursor ? cursor : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        var entries = new List<AccessLogEntry>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new AccessLogEntry(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }
        // An empty page after a cursor is either the end of the log or a cursor that names nothing; only the second is refused.
        if (after is not null && entries.Count == 0 && !await AnchorExistsAsync(store, tenantId, after.Value, cancellationToken))
        {
            return null;
        }
        // One row past the page says whether there is another; the cursor is the last id shown.
        return entries.Count > limit
            ? new AccessLogPage(entries[..limit], entries[limit - 1].Id.ToString())
            : new AccessLogPage(entries, null);
    }

    private static async Task<bool> AnchorExistsAsync(StreamStore store, string tenantId, Guid entryId, CancellationToken cancellationToken)
    {
        await using var command = store.DataSource.CreateCommand($"SELECT EXISTS (SELECT FROM {store.Schema}.access_log WHERE tenant_id = $1 AND entry_id = $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = entryId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
