namespace Practice.EventStore;

/// <summary>
/// The SQL of every append, built once per store: the texts are what Npgsql's automatic preparation
/// keys on, and building them per call showed on the append's hot path.
/// </summary>
internal sealed class AppendStatements
{
    // The stream's lock is a condition of the claim itself (void IS NOT NULL is true), taken before the
    // row is written, so it costs no statement of its own; see EventSession.LockStreamsCommand for why.
    private static string Lock(string key) => $"pg_advisory_xact_lock(hashtextextended({key}, 0)) IS NOT NULL";

    private readonly string[] _plain;

    public AppendStatements(string schema)
    {
        _plain = [.. from newStream in new[] { false, true } from single in new[] { false, true } select PlainSql(schema, newStream, single)];
        Careful = $"SELECT new_version, seqs, duplicate FROM {schema}.{Schema.SchemaMigrator.AppendFunction}($1, $2, $3, $4, $5, $6, $7, $8)";
        Check = $"SELECT {schema}.{Schema.SchemaMigrator.CheckFunction}($1, $2, $3, $4)";
        Unchanged = $"SELECT {schema}.{Schema.SchemaMigrator.UnchangedFunction}($1, $2, $3)";
        Archive = $"UPDATE {schema}.streams SET archived = true, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND {Lock("$3")}";
        Session = SessionSql(schema);
        LockKeyPrefix = $"practice-stream:{schema}:";
        InlineLockKey = $"practice-inline:{schema}";
    }

    /// <summary>Held shared by every append of a store with inline projections, and exclusively by a rebuild's swap of one.</summary>
    public string InlineLockKey { get; }

    public const string InlineLockShared = "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))";

    public const string InlineLockExclusive = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    /// <summary>What the inline projections are told of the transaction: its id (the events' tx) and its start (their created_at).</summary>
    public const string CurrentTransaction = "SELECT pg_current_xact_id_if_assigned()::text, now()";

    /// <summary>A stream's advisory lock key is this, its tenant, ':' and its id; hashed by the server.</summary>
    public string LockKeyPrefix { get; }

    /// <summary>append_events_v1: $1 tenant, $2 stream, $3 stream type, $4 expected version, $5-$7 ids, types, data (arrays), $8 metadata.</summary>
    public string Careful { get; }

    /// <summary>check_append_v1: $1 tenant, $2 stream, $3 expected version, $4 event ids.</summary>
    public string Check { get; }

    /// <summary>check_unchanged_v1: $1 tenant, $2 stream, $3 the version the session's decision read.</summary>
    public string Unchanged { get; }

    /// <summary>Archives $2 of tenant $1 under its lock key $3, as every writer of a stream holds its lock.</summary>
    public string Archive { get; }

    /// <summary>
    /// The plain append of a session of several streams, as one statement: $1 tenant; per stream $2 id, $3 type,
    /// $4 expected version, $5 event count; per event $6 stream id, $7 version, $8 id, $9 type, $10 data; $11 metadata.
    /// It claims every stream (an existing one at its expected version, a new one by creating it), and inserts
    /// the events only when every claim held, so a stream that is elsewhere takes no sequence number for the others.
    /// </summary>
    public string Session { get; }

    public const string LockOne = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    /// <summary>
    /// The locks of a session that also reads streams it does not write: those are held shared, so that sessions which
    /// only read one (every booking reads its location) do not queue behind each other, while its writers wait.
    /// </summary>
    public const string LockMixed =
        "SELECT CASE WHEN u.shared THEN pg_advisory_xact_lock_shared(hashtextextended(u.key, 0)) ELSE pg_advisory_xact_lock(hashtextextended(u.key, 0)) END "
        + "FROM unnest($1::text[], $2::boolean[]) WITH ORDINALITY AS u(key, shared, ord) ORDER BY u.ord";

    public const string LockMany =
        "SELECT pg_advisory_xact_lock(hashtextextended(u.key, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS u(key, ord) ORDER BY u.ord";

    /// <summary>
    /// The common append as one plain statement, with the parameters of <see cref="Careful"/> ($5-$7 plain values
    /// when <paramref name="single"/>), then $9 the event count and $10 the stream's lock key. It claims the
    /// stream at the expected version (creates it, for version 0), then inserts the events numbered from there.
    /// A stream that is elsewhere, or archived, claims nothing, so no event row and no sequence number is taken.
    /// </summary>
    public string Plain(bool newStream, bool single) => _plain[(newStream ? 2 : 0) + (single ? 1 : 0)];

    private static string SessionSql(string schema) => $"""
        WITH wanted AS (
            SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS w(id, type, expected, count)),
        claimed AS (
            UPDATE {schema}.streams s SET version = s.version + w.count, updated_at = now()
              FROM wanted w
             WHERE w.expected > 0 AND s.tenant_id = $1 AND s.id = w.id AND s.version = w.expected AND NOT s.archived
            RETURNING s.id),
        created AS (
            INSERT INTO {schema}.streams (tenant_id, id, type, version)
            SELECT $1, w.id, w.type, w.count FROM wanted w WHERE w.expected = 0
            ON CONFLICT DO NOTHING
            RETURNING id),
        every_claim_held AS (
            SELECT WHERE (SELECT count(*) FROM claimed) + (SELECT count(*) FROM created) = cardinality($2::text[]))
        INSERT INTO {schema}.events (id, stream_id, version, tenant_id, type, data, metadata)
        SELECT u.id, u.stream_id, u.version, $1, u.type, u.data, $11
          FROM every_claim_held, unnest($6::text[], $7::bigint[], $8::uuid[], $9::text[], $10::jsonb[]) WITH ORDINALITY AS u(stream_id, version, id, type, data, ord)
         ORDER BY u.ord
        RETURNING seq, stream_id, version
        """;

    private static string PlainSql(string schema, bool newStream, bool single)
    {
        var claim = newStream
            ? $"INSERT INTO {schema}.streams (tenant_id, id, type, version) SELECT $1, $2, $3, $4 + $9 WHERE {Lock("$10")} ON CONFLICT DO NOTHING RETURNING version"
            : $"UPDATE {schema}.streams SET version = version + $9, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND version = $4 AND NOT archived AND {Lock("$10")} RETURNING version";
        var rows = single
            ? "SELECT $5, $2, $4 + 1, $1, $6, $7, $8 FROM claimed"
            : "SELECT u.id, $2, $4 + u.ord, $1, u.type, u.data, $8 FROM claimed, unnest($5, $6, $7) WITH ORDINALITY AS u(id, type, data, ord)";
        return $"""
            WITH claimed AS ({claim})
            INSERT INTO {schema}.events (id, stream_id, version, tenant_id, type, data, metadata)
            {rows}
            RETURNING seq, version
            """;
    }
}
