using System.Globalization;
using Npgsql;

namespace Practice.EventStore.Projections;

/// <summary>A reader's place in the global order: the (transaction id, sequence) of the last event it took.</summary>
public readonly record struct ProjectionPosition(ulong Transaction, long Sequence) : IComparable<ProjectionPosition>
{
    public static readonly ProjectionPosition Start = new(0, 0);

    public static ProjectionPosition Of(StoredEvent stored) => new(stored.TransactionId, stored.Sequence);

    public int CompareTo(ProjectionPosition other) =>
        Transaction != other.Transaction ? Transaction.CompareTo(other.Transaction) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(ProjectionPosition left, ProjectionPosition right) => left.CompareTo(right) < 0;
    public static bool operator >(ProjectionPosition left, ProjectionPosition right) => left.CompareTo(right) > 0;
    public static bool operator <=(ProjectionPosition left, ProjectionPosition right) => left.CompareTo(right) <= 0;
    public static bool operator >=(ProjectionPosition left, ProjectionPosition right) => left.CompareTo(right) >= 0;

    /// <summary>Opaque cursor text for feeds: "tx.seq".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Transaction}.{Sequence}");

    public static bool TryParse(string? text, out ProjectionPosition position)
    {
        position = Start;
        var parts = text?.Split('.');
        if (parts is not { Length: 2 }
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tx)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }
        position = new ProjectionPosition(tx, seq);
        return true;
    }
}

/// <summary>How much one gap-free read takes: a count of events, and a budget of their stored bytes (the first event always fits).</summary>
internal readonly record struct BatchLimits(int Events, long Bytes);

/// <summary>A gap-free read; <paramref name="Full"/> when a limit cut it short, so more may follow at once.</summary>
internal sealed record SafeBatch(IReadOnlyList<StoredEvent> Events, bool Full);

/// <summary>The SQL of checkpoints and of the gap-free read, shared by the daemon and rebuilds.</summary>
internal static class ProjectionProgress
{
    /// <summary>
    /// Only events whose transaction is older than every transaction still running are read: sequence
    /// numbers commit out of order, so "seq greater than the checkpoint" would skip a late commit forever.
    /// </summary>
    public static string SafeBatchSql(string schema) => BatchSql(schema, "AND tx < pg_snapshot_xmin(pg_current_snapshot())");

    /// <summary>Every event committed so far after the position, for a reader that has shut out later writers another way.</summary>
    private static string CommittedBatchSql(string schema) => BatchSql(schema, filter: "");

    /// <summary>
    /// At most $3 events, and no more after the first whose running total of stored sizes reaches $4 bytes: events of
    /// up to the store's limit each would otherwise make a batch of hundreds of megabytes. The running total comes last.
    /// </summary>
    private static string BatchSql(string schema, string filter) => $"""
        SELECT {EventReader.Columns}, upto
          FROM (SELECT seq, id, stream_id, version, tenant_id, type, data, metadata, created_at, tx,
                       pg_column_size(data) AS size, sum(pg_column_size(data)) OVER (ORDER BY tx, seq) AS upto
                  FROM {schema}.events
                 WHERE (tx, seq) > ($1::text::xid8, $2)
                   {filter}
                 ORDER BY tx, seq
                 LIMIT $3) AS batch
         WHERE upto - size < $4
         ORDER BY tx, seq
        """;

    /// <summary>The checkpoint, locked against a rebuild's swap until the transaction ends.</summary>
    public static Task<ProjectionPosition> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string name, CancellationToken cancellationToken) =>
        ReadAsync(connection, transaction, schema, name, forUpdate: true, cancellationToken);

    /// <summary>
    /// The checkpoint without a lock. A row lock gives the transaction an id, and a transaction with an id holds
    /// back every async reader's horizon while it runs: an idle poll should take neither.
    /// </summary>
    public static async Task<ProjectionPosition> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string name, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT last_tx::text, last_seq FROM {schema}.projection_progress WHERE name = $1{(forUpdate ? " FOR UPDATE" : "")}", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Projection '{name}' has no progress row; run the store's MigrateAsync first.");
        }
        return new ProjectionPosition(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1));
    }

    /// <param name="committed">Reads every committed event, not only those below the oldest running transaction.</param>
    public static async Task<SafeBatch> ReadSafeBatchAsync(
        StreamStore store, NpgsqlConnection connection, NpgsqlTransaction? transaction, ProjectionPosition after, BatchLimits limits, IProjection projection,
        CancellationToken cancellationToken, bool committed = false)
    {
        await using var command = new NpgsqlCommand(committed ? CommittedBatchSql(store.Schema) : SafeBatchSql(store.Schema), connection, transaction);
        AddPosition(command, after);
        command.Parameters.Add(new NpgsqlParameter { Value = limits.Events });
        command.Parameters.Add(new NpgsqlParameter { Value = limits.Bytes });
        long upto = 0;
        var events = await EventReader.ReadAllAsync(command, store.Serializer, store.Wants(projection), cancellationToken, Unreadable.AsUndecodable,
            afterEach: reader => upto = reader.GetInt64(EventReader.ColumnCount));
        return new SafeBatch(events, Full: events.Count == limits.Events || upto >= limits.Bytes);
    }

    public static async Task<bool> AnyAfterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, ProjectionPosition after, CancellationToken cancellationToken)
    {
        // Not EXISTS: the planner guesses a third of the rows match (xid8 has no statistics) and scans the whole
        // table from its old end; ORDER BY ... LIMIT 1 makes it walk the (tx, seq) index from the checkpoint.
        await using var command = new NpgsqlCommand(
            $"SELECT (SELECT seq FROM {schema}.events WHERE (tx, seq) > ($1::text::xid8, $2) ORDER BY tx, seq LIMIT 1) IS NOT NULL", connection, transaction);
        AddPosition(command, after);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The checkpoint, locked as <see cref="LockAsync"/> locks it, and the version of the code that wrote the read model.</summary>
    public static async Task<(ProjectionPosition Position, int Version)> LockWithVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT last_tx::text, last_seq, version FROM {schema}.projection_progress WHERE name = $1 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Projection '{name}' has no progress row; run the store's MigrateAsync first.");
        }
        return (new ProjectionPosition(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1)), reader.GetInt32(2));
    }

    /// <summary>The version of the projection code that wrote the read model (see <see cref="IProjection.Version"/>).</summary>
    public static async Task<int> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT version FROM {schema}.projection_progress WHERE name = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return await command.ExecuteScalarAsync(cancellationToken) as int?
            ?? throw new InvalidOperationException($"Projection '{name}' has no progress row; run the store's MigrateAsync first.");
    }

    public static async Task SaveVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string name, int version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"UPDATE {schema}.projection_progress SET version = $1 WHERE name = $2", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string name, ProjectionPosition position, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {schema}.projection_progress SET last_tx = $1::text::xid8, last_seq = $2, updated_at = now() WHERE name = $3", connection, transaction);
        AddPosition(command, position);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records the failure and moves the checkpoint past the event, in one transaction. Nothing is written when the
    /// checkpoint is already past it (a rebuild swapped in meanwhile and has its own account), or when another session
    /// holds the checkpoint for longer than the session's lock limit.
    /// </summary>
    public static async Task<DeadLettering> DeadLetterAsync(NpgsqlConnection connection, string schema, string name, StoredEvent stored, Exception error, int attempts, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        ProjectionPosition checkpoint;
        try
        {
            checkpoint = await LockAsync(connection, transaction, schema, name, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            await transaction.RollbackAsync(cancellationToken);
            return DeadLettering.CheckpointHeld;
        }
        if (checkpoint >= ProjectionPosition.Of(stored))
        {
            await transaction.RollbackAsync(cancellationToken);
            return DeadLettering.AlreadyPast;
        }
        await RecordDeadLetterAsync(connection, transaction, schema, name, stored, error, attempts, cancellationToken);
        await SaveAsync(connection, transaction, schema, name, ProjectionPosition.Of(stored), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DeadLettering.Recorded;
    }

    public static async Task RecordDeadLetterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string name,
        StoredEvent stored, Exception error, int attempts, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {schema}.dead_letters (projection, event_seq, event_id, tenant_id, event_type, error, attempts)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (projection, event_seq) DO UPDATE
               SET error = excluded.error, attempts = {schema}.dead_letters.attempts + excluded.attempts, failed_at = now()
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = stored.Sequence });
        command.Parameters.Add(new NpgsqlParameter { Value = stored.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = stored.TenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = stored.TypeName });
        command.Parameters.Add(new NpgsqlParameter { Value = $"{error.GetType().Name}: {error.Message}" });
        command.Parameters.Add(new NpgsqlParameter { Value = attempts });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static void AddPosition(NpgsqlCommand command, ProjectionPosition position)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = position.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new NpgsqlParameter { Value = position.Sequence });
    }
}

internal enum DeadLettering { Recorded, AlreadyPast, CheckpointHeld }
