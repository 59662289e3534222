using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Practice.EventStore;

namespace Practice.Messaging;

/// <summary>Turns a stored scheduled message into the command to send, given the time it runs.</summary>
public delegate object ScheduledCommandFactory(JsonElement payload, DateTimeOffset now);

/// <summary>
/// Durable delayed commands (deadline checks such as an unsigned note). Rows are written in the same
/// transaction as the events that call for them (by an inline projection), so none is lost. A runner claims
/// due rows for a short lease in a transaction of its own, so several instances share the work and no open
/// transaction holds back the event readers while commands run. A command that appends marks its message done
/// in its own transaction, so a crash never runs it twice; a run whose lease was taken over cannot commit.
/// </summary>
public sealed class ScheduledMessageRunner(CommandBus bus, IReadOnlyDictionary<string, ScheduledCommandFactory> factories, TimeProvider clock, ILogger<ScheduledMessageRunner> logger)
{
    public const int MaxAttempts = 5;

    /// <summary>How long a claim keeps other runners off a message; a runner that dies lets go when it ends.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private const int BatchSize = 50;

    /// <summary>The SQL an inline projection runs to schedule a message; the id makes replays harmless.</summary>
    public static string ScheduleSql(string schema) => $"""
        INSERT INTO {schema}.scheduled_messages (id, tenant_id, message_type, payload, due_at)
        VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (id) DO NOTHING
        """;

    private sealed record DueMessage(Guid Id, string Tenant, string Type, string Payload, int Attempts, DateTimeOffset DueAt);

    /// <summary>Runs every due message once; returns how many were claimed.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var owner = Guid.NewGuid();
        var due = await ClaimAsync(owner, cancellationToken);
        foreach (var message in due)
        {
            // On shutdown the rest stay claimed until their lease ends, then another runner takes them.
            cancellationToken.ThrowIfCancellationRequested();
            await RunAsync(message, owner, cancellationToken);
        }
        return due.Count;
    }

    private async Task<List<DueMessage>> ClaimAsync(Guid owner, CancellationToken cancellationToken)
    {
        var schema = bus.Store.Schema;
        await using var claim = bus.Store.DataSource.CreateCommand($"""
            UPDATE {schema}.scheduled_messages AS m SET claimed_by = $2, claimed_until = now() + $3
              FROM (SELECT id FROM {schema}.scheduled_messages
                     WHERE done_at IS NULL AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until < now())
                     ORDER BY due_at LIMIT {BatchSize} FOR UPDATE SKIP LOCKED) AS due
             WHERE m.id = due.id
            RETURNING m.id, m.tenant_id, m.message_type, m.payload::text, m.attempts, m.due_at
            """);
        claim.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        claim.Parameters.Add(new NpgsqlParameter { Value = owner });
        claim.Parameters.Add(new NpgsqlParameter { Value = Lease });
        var due = new List<DueMessage>();
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }
        due.Sort((a, b) => a.DueAt.CompareTo(b.DueAt));
        return due;
    }

    private async Task RunAsync(DueMessage message, Guid owner, CancellationToken cancellationToken)
    {
        var schema = bus.Store.Schema;
        string? error;
        var failed = false;
        if (factories.GetValueOrDefault(message.Type) is not { } factory)
        {
            // A type this runner does not know is a newer release's (a rolling deploy): left for a runner that knows it,
            // without costing one of its attempts.
            logger.LogWarning("Scheduled message {Id} is of type {Type}, which this process has no command for; leaving it to another.", message.Id, message.Type);
            await ReleaseAsync(message, owner, cancellationToken);
            return;
        }
        try
        {
            using var payload = JsonDocument.Parse(message.Payload);
            var now = clock.GetUtcNow();
            var result = await bus.SendAsync(message.Tenant, "scheduler", factory(payload.RootElement, now),
                session => session.QueueSqlCommand($"SELECT {schema}.scheduled_message_done($1, $2, $3)", message.Id, owner, now), cancellationToken);
            if (result.Appended.Count > 0)
            {
                return;
            }
            error = result.Error is { } refused ? $"{refused.Code}: {refused.Message}" : null;
        }
        catch (PostgresException exception) when (exception.SqlState == MessagingSqlStates.TakenOver)
        {
            logger.LogWarning("Scheduled message {Id} ({Type}) ran past its lease and was taken over; this run committed nothing.", message.Id, message.Type);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        // Whatever a message's command throws fails that message only (retried with backoff, then kept for
        // inspection); it never stops the messages behind it or the host.
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Scheduled message {Id} ({Type}) failed.", message.Id, message.Type);
            error = exception.Message;
            failed = true;
        }
        var givingUp = failed && message.Attempts + 1 >= MaxAttempts;
        if (givingUp)
        {
            logger.LogError("Scheduled message {Id} ({Type}) failed {Attempts} times and is given up: {Error}", message.Id, message.Type, MaxAttempts, error);
        }
        await CompleteAsync(message, owner, error, retry: failed && !givingUp, givingUp, cancellationToken);
    }

    /// <summary>Messages whose command kept failing and that are no longer retried (all tenants when tenant is null).</summary>
    public static async Task<long> CountGivenUpAsync(NpgsqlDataSource dataSource, string schema, string? tenant = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*) FROM {schema}.scheduled_messages WHERE given_up_at IS NOT NULL AND ($1::text IS NULL OR tenant_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Lets go of a claimed message without an attempt, keeping its due time; its lease runs on, so another runner
    /// (of the release that knows the type) takes it once the lease ends. Why is kept as its last error.
    /// </summary>
    private async Task ReleaseAsync(DueMessage message, Guid owner, CancellationToken cancellationToken)
    {
        await using var command = bus.Store.DataSource.CreateCommand($"""
            UPDATE {bus.Store.Schema}.scheduled_messages
               SET claimed_by = NULL, last_error = $3
             WHERE id = $1 AND claimed_by = $2 AND done_at IS NULL
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = message.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = $"No command for scheduled message type '{message.Type}' in this release." });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A refusal by the domain is an answer (done); a failure is retried after 30 s, 2, 8 and 32 minutes, long enough
    /// to outlast a short outage, then given up and kept for inspection.
    /// </summary>
    private async Task CompleteAsync(DueMessage message, Guid owner, string? error, bool retry, bool givingUp, CancellationToken cancellationToken)
    {
        await using var command = bus.Store.DataSource.CreateCommand($"""
            UPDATE {bus.Store.Schema}.scheduled_messages
               SET attempts = $2, last_error = $3, claimed_by = NULL, claimed_until = NULL,
                   done_at = CASE WHEN $4 THEN NULL ELSE $5 END,
                   given_up_at = CASE WHEN $7 THEN $5 END,
                   due_at = CASE WHEN $4 THEN $5 + make_interval(secs => 30 * power(4, $2 - 1)) ELSE due_at END
             WHERE id = $1 AND claimed_by = $6 AND done_at IS NULL
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = message.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = message.Attempts + 1 });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = retry });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = givingUp });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
