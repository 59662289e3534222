using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Practice.EventStore.Projections;

namespace Practice.EventStore.Schema;

/// <summary>
/// Creates and upgrades the store's schema: numbered steps (tables) run once each, in order, and
/// functions are re-created when their text changes; all under an advisory lock in one transaction,
/// so two processes starting together neither race nor apply anything twice.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>The careful append; see <see cref="Functions"/> for why its name carries a version.</summary>
    public const string AppendFunction = "append_events_v1";

    /// <summary>What the careful append would refuse, checked for each stream of a session before any is written.</summary>
    public const string CheckFunction = "check_append_v1";

    /// <summary>That a stream a session read but does not write is still at the version its decision read.</summary>
    public const string UnchangedFunction = "check_unchanged_v1";

    private static readonly (int Version, string Sql)[] Steps =
    [
        (1, """
            CREATE TABLE {s}.streams (
                tenant_id   text        NOT NULL,
                id          text        NOT NULL,
                type        text        NOT NULL,
                version     bigint      NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now(),
                updated_at  timestamptz NOT NULL DEFAULT now(),
                archived    boolean     NOT NULL DEFAULT false,
                PRIMARY KEY (tenant_id, id)
            );
            CREATE TABLE {s}.events (
                seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id          uuid        NOT NULL UNIQUE,
                stream_id   text        NOT NULL,
                version     bigint      NOT NULL,
                tenant_id   text        NOT NULL,
                type        text        NOT NULL,
                data        jsonb       NOT NULL,
                metadata    jsonb       NOT NULL DEFAULT '{}',
                created_at  timestamptz NOT NULL DEFAULT now(),
                tx          xid8        NOT NULL DEFAULT pg_current_xact_id(),
                UNIQUE (tenant_id, stream_id, version)
            );
            -- Async readers walk (tx, seq): the only order in which no later commit can land behind them.
            CREATE INDEX events_tx_seq ON {s}.events (tx, seq);
            CREATE TABLE {s}.projection_progress (
                name        text        PRIMARY KEY,
                last_tx     xid8        NOT NULL DEFAULT '0',
                last_seq    bigint      NOT NULL DEFAULT 0,
                updated_at  timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE {s}.dead_letters (
                id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                projection  text        NOT NULL,
                event_seq   bigint      NOT NULL,
                event_id    uuid        NOT NULL,
                tenant_id   text        NOT NULL,
                event_type  text        NOT NULL,
                error       text        NOT NULL,
                attempts    int         NOT NULL,
                failed_at   timestamptz NOT NULL DEFAULT now(),
                UNIQUE (projection, event_seq)
            );
            """),
        // The version of the projection code that wrote each read model; a daemon running newer code rebuilds it.
        (2, """
            ALTER TABLE {s}.projection_progress ADD COLUMN version int NOT NULL DEFAULT 1;
            """),
    ];

    /// <summary>
    /// A released function's text never changes: a change is a function of a new name (<c>append_events_v2</c>), so that
    /// every release calls its own text, whichever release migrated last, and neither a process of an older release
    /// starting in a rolling deploy nor a rollback puts another's text under it. The functions of other releases are left
    /// in place. A hash per name is kept, so a function whose text differs from the database's (one not yet released)
    /// is re-created, with any stale overload of its name dropped.
    /// </summary>
    private static readonly (string Name, string Sql)[] Functions =
    [
        (AppendFunction, """
            -- The careful append, for what EventSession's plain append statement declines: an
            -- expected version of "any", a conflict, a resend, an archived stream. Its callers have already
            -- taken the streams' advisory locks, so what check_append sees stays true until they commit.
            -- No sequence number is taken before the stream is claimed (a new stream by one INSERT, an
            -- existing one by an UPDATE conditional on the expected version, which also locks it), and
            -- anything check_append refuses raises first. Every statement is a key lookup; with sequential scans
            -- off, a plan cached while the table was nearly empty never stays a full scan once it grows.
            CREATE FUNCTION {s}.append_events_v1(
                p_tenant text, p_stream text, p_stream_type text, p_expected bigint,
                p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb,
                OUT new_version bigint, OUT seqs bigint[], OUT duplicate boolean)
            LANGUAGE plpgsql
            SET enable_seqscan = off
            AS $fn$
            DECLARE
                v_current  bigint;
                v_count    int := coalesce(array_length(p_ids, 1), 0);
            BEGIN
                IF NOT EXISTS (SELECT FROM {s}.events e WHERE e.id = ANY (p_ids)) THEN
                    IF p_expected = 0 THEN
                        INSERT INTO {s}.streams (tenant_id, id, type, version)
                        VALUES (p_tenant, p_stream, p_stream_type, v_count) ON CONFLICT DO NOTHING
                        RETURNING version INTO new_version;
                    ELSE
                        UPDATE {s}.streams SET version = version + v_count, updated_at = now()
                         WHERE tenant_id = p_tenant AND id = p_stream AND NOT archived AND (p_expected < 0 OR version = p_expected)
                        RETURNING version INTO new_version;
                    END IF;
                END IF;

                IF new_version IS NULL THEN
                    IF {s}.check_append_v1(p_tenant, p_stream, p_expected, p_ids) THEN
                        SELECT s.version INTO new_version FROM {s}.streams s WHERE s.tenant_id = p_tenant AND s.id = p_stream;
                        seqs := '{}'; duplicate := true;
                        RETURN;
                    END IF;
                    SELECT s.version INTO v_current FROM {s}.streams s WHERE s.tenant_id = p_tenant AND s.id = p_stream FOR UPDATE;
                    IF NOT FOUND THEN
                        INSERT INTO {s}.streams (tenant_id, id, type, version) VALUES (p_tenant, p_stream, p_stream_type, 0);
                        v_current := 0;
                    END IF;
                    UPDATE {s}.streams SET version = v_current + v_count, updated_at = now()
                     WHERE tenant_id = p_tenant AND id = p_stream;
                    new_version := v_current + v_count;
                END IF;

                WITH inserted AS (
                    INSERT INTO {s}.events (id, stream_id, version, tenant_id, type, data, metadata)
                    SELECT u.id, p_stream, new_version - v_count + u.ord, p_tenant, u.type, u.data, p_metadata
                      FROM unnest(p_ids, p_types, p_data) WITH ORDINALITY AS u(id, type, data, ord)
                    RETURNING seq, version)
                SELECT array_agg(seq ORDER BY version) INTO seqs FROM inserted;
                duplicate := false;
            END
            $fn$;
            """),
        (CheckFunction, """
            -- What append_events would refuse, refused before anything is written: a session of several
            -- streams checks each of them first, so a conflict on its last stream takes no sequence
            -- number for the others; append_events checks with it too. The caller holds the streams' advisory
            -- locks, so what it sees stays true until it commits. A lost race raises PX409 with the actual
            -- version as its message (Npgsql redacts DETAIL by default). True: the events are all stored
            -- in this stream already, a resend.
            CREATE FUNCTION {s}.check_append_v1(p_tenant text, p_stream text, p_expected bigint, p_ids uuid[])
            RETURNS boolean
            LANGUAGE plpgsql
            SET enable_seqscan = off
            AS $fn$
            DECLARE
                v_current  bigint;
                v_archived boolean;
                v_count    int := coalesce(array_length(p_ids, 1), 0);
                v_mine     int;
                v_any      int;
            BEGIN
                SELECT count(*) FILTER (WHERE e.tenant_id = p_tenant AND e.stream_id = p_stream), count(*)
                  INTO v_mine, v_any FROM {s}.events e WHERE e.id = ANY (p_ids);
                IF v_any > 0 THEN
                    IF v_mine = v_count AND v_any = v_count THEN
                        RETURN true;
                    END IF;
                    RAISE EXCEPTION USING ERRCODE = 'PX422', MESSAGE = 'partial duplicate';
                END IF;
                SELECT s.version, s.archived INTO v_current, v_archived
                  FROM {s}.streams s WHERE s.tenant_id = p_tenant AND s.id = p_stream;
                IF NOT FOUND THEN
                    IF p_expected > 0 THEN
                        RAISE EXCEPTION USING ERRCODE = 'PX409', MESSAGE = '0';
                    END IF;
                    RETURN false;
                END IF;
                IF p_expected >= 0 AND v_current <> p_expected THEN
                    RAISE EXCEPTION USING ERRCODE = 'PX409', MESSAGE = v_current::text;
                END IF;
                IF v_archived THEN
                    RAISE EXCEPTION USING ERRCODE = 'PX410', MESSAGE = 'archived';
                END IF;
                RETURN false;
            END
            $fn$;
            """),
        (UnchangedFunction, """
            -- A stream that a session's decision read and does not write: still at that version (0: still absent), or
            -- PX409 with the actual version, as check_append raises. Archiving changes no version, and reading an
            -- archived stream is allowed, so it is not refused here. The caller holds the stream's advisory lock.
            CREATE FUNCTION {s}.check_unchanged_v1(p_tenant text, p_stream text, p_expected bigint)
            RETURNS void
            LANGUAGE plpgsql
            SET enable_seqscan = off
            AS $fn$
            DECLARE
                v_current bigint;
            BEGIN
                SELECT s.version INTO v_current FROM {s}.streams s WHERE s.tenant_id = p_tenant AND s.id = p_stream;
                IF coalesce(v_current, 0) <> p_expected THEN
                    RAISE EXCEPTION USING ERRCODE = 'PX409', MESSAGE = coalesce(v_current, 0)::text;
                END IF;
            END
            $fn$;
            """),
    ];

    public static async Task MigrateAsync(
        NpgsqlDataSource dataSource, string schema, IReadOnlyList<IProjection> inlineProjections, IReadOnlyList<IProjection> asyncProjections, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await Execute(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, $"practice-schema:{schema}");
        await Execute(connection, transaction, $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS {schema}.schema_functions (
                name text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            """, cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand($"SELECT version FROM {schema}.schema_migrations", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var (version, sql) in Steps.Where(step => !applied.Contains(step.Version)))
        {
            await Execute(connection, transaction, sql.Replace("{s}", schema, StringComparison.Ordinal), cancellationToken);
            await Execute(connection, transaction, $"INSERT INTO {schema}.schema_migrations (version) VALUES ($1)", cancellationToken, version);
        }

        foreach (var (name, template) in Functions)
        {
            await CreateFunctionIfChangedAsync(connection, transaction, schema, name, template, cancellationToken);
        }

        foreach (var projection in asyncProjections)
        {
            await CreateTablesAsync(connection, transaction, schema, projection, cancellationToken);
            // A new async projection starts at the first event, so what it writes is its own version's from the start.
            await Execute(connection, transaction,
                $"INSERT INTO {schema}.projection_progress (name, version) VALUES ($1, $2) ON CONFLICT DO NOTHING", cancellationToken, projection.Name, projection.Version);
        }
        foreach (var projection in inlineProjections)
        {
            await CreateTablesAsync(connection, transaction, schema, projection, cancellationToken);
            // A new inline projection sees only the appends made after it; recorded as written by version 0, the
            // events stored before it reach it by the daemon's rebuild.
            await Execute(connection, transaction,
                $"INSERT INTO {schema}.projection_progress (name, version) VALUES ($1, CASE WHEN $3 AND EXISTS (SELECT FROM {schema}.events) THEN 0 ELSE $2 END) ON CONFLICT DO NOTHING",
                cancellationToken, projection.Name, projection.Version, projection.Tables.Count > 0);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task CreateTablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, IProjection projection, CancellationToken cancellationToken)
    {
        foreach (var table in projection.Tables)
        {
            await Execute(connection, transaction, TableDdl(schema, table, suffix: ""), cancellationToken);
        }
    }

    private static async Task CreateFunctionIfChangedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string name, string template, CancellationToken cancellationToken)
    {
        // The template's hash, the same in every schema, so a test can pin each released text.
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(template)));
        var sql = template.Replace("{s}", schema, StringComparison.Ordinal);
        await using (var current = new NpgsqlCommand($"SELECT hash FROM {schema}.schema_functions WHERE name = $1", connection, transaction))
        {
            current.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await current.ExecuteScalarAsync(cancellationToken) as string == hash)
            {
                return;
            }
        }
        // Every overload goes, so a changed signature leaves no stale twin behind.
        var overloads = new List<string>();
        await using (var find = new NpgsqlCommand(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = $2",
            connection, transaction))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = schema });
            find.Parameters.Add(new NpgsqlParameter { Value = name });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                overloads.Add(reader.GetString(0));
            }
        }
        foreach (var overload in overloads)
        {
            await Execute(connection, transaction, $"DROP FUNCTION {overload}", cancellationToken);
        }
        await Execute(connection, transaction, sql, cancellationToken);
        await Execute(connection, transaction,
            $"INSERT INTO {schema}.schema_functions (name, hash) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, applied_at = now()",
            cancellationToken, name, hash);
    }

    internal static string TableDdl(string schema, ProjectionTable table, string suffix) =>
        table.Ddl
            .Replace("{table}", $"{schema}.{table.Name}{suffix}", StringComparison.Ordinal)
            .Replace("{name}", $"{table.Name}{suffix}", StringComparison.Ordinal);

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
