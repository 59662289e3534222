using Npgsql;

namespace Practice.Messaging;

/// <summary>The tables the command pipeline owns, beside the event store's in the same schema.</summary>
public static class MessagingSchema
{
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock(hashtextextended('practice-messaging:{schema}', 0));
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
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
