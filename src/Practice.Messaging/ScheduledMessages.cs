using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Practice.EventStore;

namespace Practice.Messaging;

/// <summary>Turns a stored scheduled message into the command to send, given the time it runs.</summary>
public delegate object ScheduledCommandFactory(JsonElement payload, DateTimeOffset now);

/// <summary>
/// Durable delayed commands (deadline checks such as an unsigned note). Rows are written in the same
/// transaction as the events that call for them (by an inline projection), so none is lost; the runner
/// claims due rows with SKIP LOCKED, so several instances share the work without doing it twice.
/// </summary>
public sealed class ScheduledMessageRunner(CommandBus bus, IReadOnlyDictionary<string, ScheduledCommandFactory> factories, TimeProvider clock, ILogger<ScheduledMessageRunner> logger)
{
    public const int MaxAttempts = 5;

    /// <summary>The SQL an inline projection runs to schedule a message; the id makes replays harmless.</summary>
    public static string ScheduleSql(string schema) => $"""
        INSERT INTO {schema}.scheduled_messages (id, tenant_id, message_type, payload, due_at)
        VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>Runs every due message once; returns how many were handled.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var store = bus.Store;
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = new List<(Guid Id, string Tenant, string Type, string Payload, int Attempts)>();
        await using (var claim = new NpgsqlCommand($"""
            SELECT id, tenant_id, message_type, payload::text, attempts FROM {store.Schema}.scheduled_messages
             WHERE done_at IS NULL AND due_at <= $1 ORDER BY due_at LIMIT 50 FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
            }
        }

        foreach (var message in due)
        {
            string? error = null;
            var failed = false;
            try
            {
                var factory = factories.GetValueOrDefault(message.Type)
                    ?? throw new InvalidOperationException($"No command is registered for scheduled message type '{message.Type}'.");
                using var payload = JsonDocument.Parse(message.Payload);
                var result = await bus.SendAsync(message.Tenant, "scheduler", factory(payload.RootElement, clock.GetUtcNow()), cancellationToken);
                error = result.Error is { } refused ? $"{refused.Code}: {refused.Message}" : null;
            }
            // A payload the factory cannot read (missing property, bad id) fails this message only, not the whole batch and the host.
            catch (Exception exception) when (exception is EventStoreException or InvalidOperationException or JsonException or KeyNotFoundException or FormatException)
            {
                logger.LogWarning(exception, "Scheduled message {Id} ({Type}) failed.", message.Id, message.Type);
                error = exception.Message;
                failed = true;
            }
            await Complete(connection, transaction, store.Schema, message.Id, message.Attempts + 1, error, retry: failed && message.Attempts + 1 < MaxAttempts, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>A refusal by the domain is an answer (done); a failure is retried with backoff, then given up and kept for inspection.</summary>
    private async Task Complete(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, Guid id, int attempts, string? error, bool retry, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE {schema}.scheduled_messages
               SET attempts = $2, last_error = $3,
                   done_at = CASE WHEN $4 THEN NULL ELSE $5 END,
                   due_at = CASE WHEN $4 THEN $5 + make_interval(secs => power(2, $2)) ELSE due_at END
             WHERE id = $1
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = attempts });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = retry });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
