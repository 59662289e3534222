namespace Practice.EventStore;

/// <summary>
/// The SQL of every append, built once per store: the texts are what Npgsql's automatic preparation
/// keys on, and building them per call showed on the append's hot path.
/// </summary>
internal sealed class AppendStatements
{
    // The stream's lock is a condition of the claim itself (void IS NOT NULL is true), taken before the
    // row is written, so it costs no statement of its own; see EventSession.LockStreamsCommand for why.
    private const string Lock = "pg_advisory_xact_lock(hashtextextended($10, 0)) IS NOT NULL";

    private readonly string[] _plain;

    public AppendStatements(string schema)
    {
        _plain = [.. from newStream in new[] { false, true } from single in new[] { false, true } select PlainSql(schema, newStream, single)];
        Careful = $"SELECT new_version, seqs, duplicate FROM {schema}.append_events($1, $2, $3, $4, $5, $6, $7, $8)";
        Archive = $"UPDATE {schema}.streams SET archived = true, updated_at = now() WHERE tenant_id = $1 AND id = $2";
        LockKeyPrefix = $"practice-stream:{schema}:";
    }

    /// <summary>A stream's advisory lock key is this, its tenant, ':' and its id; hashed by the server.</summary>
    public string LockKeyPrefix { get; }

    /// <summary>append_events: $1 tenant, $2 stream, $3 stream type, $4 expected version, $5-$7 ids, types, data (arrays), $8 metadata.</summary>
    public string Careful { get; }

    public string Archive { get; }

    public const string LockOne = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    public const string LockMany =
        "SELECT pg_advisory_xact_lock(hashtextextended(u.key, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS u(key, ord) ORDER BY u.ord";

    /// <summary>
    /// The common append as one plain statement, with the parameters of <see cref="Careful"/> ($5-$7 plain values
    /// when <paramref name="single"/>), then $9 the event count and $10 the stream's lock key. It claims the
    /// stream at the expected version (creates it, for version 0), then inserts the events numbered from there.
    /// A stream that is elsewhere, or archived, claims nothing, so no event row and no sequence number is taken.
    /// </summary>
    public string Plain(bool newStream, bool single) => _plain[(newStream ? 2 : 0) + (single ? 1 : 0)];

    private static string PlainSql(string schema, bool newStream, bool single)
    {
        var claim = newStream
            ? $"INSERT INTO {schema}.streams (tenant_id, id, type, version) SELECT $1, $2, $3, $4 + $9 WHERE {Lock} ON CONFLICT DO NOTHING RETURNING version"
            : $"UPDATE {schema}.streams SET version = version + $9, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND version = $4 AND NOT archived AND {Lock} RETURNING version";
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
