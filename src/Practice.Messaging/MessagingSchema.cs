using Npgsql;

namespace Practice.Messaging;

internal static class MessagingSqlStates
{
    /// <summary>
    /// Raised in a command's transaction when whoever runs it no longer owns the work: its request's
    /// Idempotency-Key, or its claim on a scheduled message, was taken over after it ran too long.
    /// </summary>
    public const string TakenOver = "PX412";
}

/// <summary>The tables the command pipeline owns, beside the event store's in the same schema.</summary>
public static class MessagingSchema
{
    /// <summary>
    /// Runs the DDL only when its text changed since it last ran here: ALTER TABLE takes its table's exclusive lock
    /// before it finds the column already there, so running it at every start-up would stall the traffic on it.
    /// </summary>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var ddl = Ddl(schema);
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ddl)));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new($"SELECT pg_advisory_xact_lock(hashtextextended('practice-messaging:{schema}', 0))"),
                new($"CREATE TABLE IF NOT EXISTS {schema}.messaging_schema (ddl_hash text NOT NULL)"),
                new($"SELECT EXISTS (SELECT 1 FROM {schema}.messaging_schema WHERE ddl_hash = $1)") { Parameters = { new NpgsqlParameter { Value = hash } } },
            },
        })
        await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(0))
            {
                await reader.DisposeAsync();
                await transaction.CommitAsync(cancellationToken);
                return;
            }
        }
        await using var command = new NpgsqlCommand(ddl, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var record = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new($"DELETE FROM {schema}.messaging_schema"),
                new($"INSERT INTO {schema}.messaging_schema (ddl_hash) VALUES ($1)") { Parameters = { new NpgsqlParameter { Value = hash } } },
            },
        };
        await record.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string Ddl(string schema) => $"""
            CREATE TABLE IF NOT EXISTS {schema}.idempotency_keys (
                tenant_id    text        NOT NULL,
                key          text        NOT NULL,
                request_hash text        NOT NULL,
                status_code  int,
                content_type text,
                response     bytea,
                created_at   timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, key));
            ALTER TABLE {schema}.idempotency_keys ADD COLUMN IF NOT EXISTS committed_at timestamptz;
            ALTER TABLE {schema}.idempotency_keys ADD COLUMN IF NOT EXISTS owner uuid;
            ALTER TABLE {schema}.idempotency_keys ADD COLUMN IF NOT EXISTS location text;
            ALTER TABLE {schema}.idempotency_keys ADD COLUMN IF NOT EXISTS etag text;
            CREATE INDEX IF NOT EXISTS idempotency_keys_created ON {schema}.idempotency_keys (created_at);
            CREATE OR REPLACE FUNCTION {schema}.idempotency_committed(p_tenant text, p_key text, p_owner uuid) RETURNS void
            LANGUAGE plpgsql AS $fn$
            BEGIN
                UPDATE {schema}.idempotency_keys SET committed_at = now() WHERE tenant_id = p_tenant AND key = p_key AND owner = p_owner;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'A retry took over Idempotency-Key %; this request must not commit.', p_key USING ERRCODE = '{MessagingSqlStates.TakenOver}';
                END IF;
            END $fn$;
            CREATE TABLE IF NOT EXISTS {schema}.scheduled_messages (
                id           uuid        PRIMARY KEY,
                tenant_id    text        NOT NULL,
                message_type text        NOT NULL,
                payload      jsonb       NOT NULL,
                due_at       timestamptz NOT NULL,
                attempts     int         NOT NULL DEFAULT 0,
                last_error   text,
                done_at      timestamptz);
            CREATE INDEX IF NOT EXISTS scheduled_messages_due ON {schema}.scheduled_messages (due_at) WHERE done_at IS NULL;
            ALTER TABLE {schema}.scheduled_messages ADD COLUMN IF NOT EXISTS claimed_by uuid;
            ALTER TABLE {schema}.scheduled_messages ADD COLUMN IF NOT EXISTS claimed_until timestamptz;
            -- A message whose command kept failing is done but given up, which practice status reports. Those given up
            -- before the column existed (done after every attempt, with an error kept) are marked once, when it is added.
            DO $given_up$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                                WHERE table_schema = '{schema}' AND table_name = 'scheduled_messages' AND column_name = 'given_up_at') THEN
                    ALTER TABLE {schema}.scheduled_messages ADD COLUMN given_up_at timestamptz;
                    UPDATE {schema}.scheduled_messages SET given_up_at = done_at
                     WHERE done_at IS NOT NULL AND attempts >= {ScheduledMessageRunner.MaxAttempts} AND last_error IS NOT NULL;
                END IF;
            END $given_up$;
            CREATE OR REPLACE FUNCTION {schema}.scheduled_message_done(p_id uuid, p_owner uuid, p_done timestamptz) RETURNS void
            LANGUAGE plpgsql AS $fn$
            BEGIN
                UPDATE {schema}.scheduled_messages
                   SET done_at = p_done, attempts = attempts + 1, last_error = NULL, claimed_by = NULL, claimed_until = NULL
                 WHERE id = p_id AND claimed_by = p_owner AND done_at IS NULL;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'Another runner took over scheduled message %; this run must not commit.', p_id USING ERRCODE = '{MessagingSqlStates.TakenOver}';
                END IF;
            END $fn$;
            """;
}
