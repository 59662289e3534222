using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using Practice.EventStore.Projections;
using Practice.EventStore.Schema;

namespace Practice.EventStore;

/// <summary>Rebuilding: a rebuild of it is running somewhere (it holds the rebuild's lock) and will move its checkpoint when it swaps in.</summary>
public sealed record ProjectionStatus(string Name, ProjectionPosition Checkpoint, long LagEvents, double LagSeconds, long DeadLetters, bool Rebuilding);

public sealed record DeadLetter(long Id, string Projection, long EventSequence, Guid EventId, string TenantId, string EventType, string Error, int Attempts, DateTimeOffset FailedAt);

/// <summary>How far a rebuild is; <paramref name="DeadLettered"/> counts the events it could not apply, recorded as dead letters at the swap.</summary>
public sealed record RebuildProgress(string Projection, long Processed, long Total, double EventsPerSecond, bool Swapped, int DeadLettered);

public sealed partial class StreamStore
{
    /// <summary>How many lagging events a status counts at most, by default: counting costs a walk of each one.</summary>
    public const int LagCountLimit = 1_000_000;
    private static readonly BatchLimits RebuildBatch = new(Events: 5_000, Bytes: 64 * 1024 * 1024);
    private const string RebuildSuffix = "__rebuild";
    private static readonly TimeSpan SwapLockTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A rebuild tries a failing event as often as the daemon does, but without pausing: it would pause inside its
    /// batch's transaction, whose id holds back every async reader of the database for as long as it lasts.
    /// </summary>
    private static readonly int RebuildAttempts = new DaemonOptions().MaxAttempts;

    /// <summary>Checkpoint, lag and dead letters of every async projection; the basis of readiness checks.</summary>
    /// <param name="lagCountLimit">LagEvents counts this many at most; a frequent caller, such as a probe, should ask for few.</param>
    /// <param name="deadLettersOfTenant">When given, only that tenant's dead letters are counted.</param>
    public async Task<IReadOnlyList<ProjectionStatus>> GetProjectionStatusesAsync(
        int lagCountLimit = LagCountLimit, string? deadLettersOfTenant = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lagCountLimit, 0);
        await using var command = DataSource.CreateCommand($"""
            SELECT p.name, p.last_tx::text, p.last_seq,
                   (SELECT count(*) FROM (SELECT 1 FROM {Schema}.events e WHERE (e.tx, e.seq) > (p.last_tx, p.last_seq) ORDER BY e.tx, e.seq LIMIT $2) lagging),
                   coalesce((SELECT extract(epoch FROM now() - e.created_at)::float8 FROM {Schema}.events e
                              WHERE (e.tx, e.seq) > (p.last_tx, p.last_seq) ORDER BY e.tx, e.seq LIMIT 1), 0),
                   (SELECT count(*) FROM {Schema}.dead_letters d WHERE d.projection = p.name AND ($3::text IS NULL OR d.tenant_id = $3)),
                   -- A bigint advisory lock shows in pg_locks as its high and low 32 bits, in classid and objid.
                   EXISTS (SELECT 1 FROM pg_locks l
                            WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
                              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                              AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($4 || p.name, 0))
              FROM {Schema}.projection_progress p
             WHERE p.name = ANY ($1)
             ORDER BY p.name
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Options.AsyncProjections.Select(p => p.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)lagCountLimit });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)deadLettersOfTenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = RebuildLockKey("") });
        var statuses = new List<ProjectionStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            statuses.Add(new ProjectionStatus(reader.GetString(0),
                new ProjectionPosition(ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt64(2)),
                reader.GetInt64(3), Math.Max(0, reader.GetDouble(4)), reader.GetInt64(5), reader.GetBoolean(6)));
        }
        return statuses;
    }

    /// <summary>
    /// Waits until every async projection has taken every event committed before the call.
    /// For tests and readiness: an explicit wait instead of a sleep.
    /// </summary>
    public async Task WaitForNonStaleProjectionsAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (await LatestCommittedAsync(cancellationToken) is not { } target)
        {
            return;
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var checkpoints = await ReadCheckpointsAsync(cancellationToken);
            // A projection without a checkpoint is not caught up: no daemon runs it until the schema is migrated.
            if (Options.AsyncProjections.Select(p => p.Name).Except(checkpoints.Keys).ToList() is { Count: > 0 } unmigrated)
            {
                throw new InvalidOperationException($"Projections {string.Join(", ", unmigrated)} have no checkpoint; run the store's MigrateAsync first.");
            }
            var behind = checkpoints.Where(c => c.Value < target).ToList();
            if (behind.Count == 0)
            {
                return;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Projections still behind {target} after {timeout}: " +
                    string.Join(", ", behind.Select(c => $"{c.Key} at {c.Value}")));
            }
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }

    /// <summary>Only the checkpoints: the wait polls every few milliseconds and needs no lag count.</summary>
    private async Task<Dictionary<string, ProjectionPosition>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand($"SELECT name, last_tx::text, last_seq FROM {Schema}.projection_progress WHERE name = ANY ($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = Options.AsyncProjections.Select(p => p.Name).ToArray() });
        var checkpoints = new Dictionary<string, ProjectionPosition>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints[reader.GetString(0)] = new ProjectionPosition(ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt64(2));
        }
        return checkpoints;
    }

    /// <summary>The position of the last event committed so far, in (tx, seq) order; null when there is none.</summary>
    private async Task<ProjectionPosition?> LatestCommittedAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand($"SELECT tx::text AS tx_text, seq FROM {Schema}.events ORDER BY tx DESC, seq DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ProjectionPosition(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1))
            : null;
    }

    public async Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(string? projection = null, CancellationToken cancellationToken = default)
    {
        await using var command = DataSource.CreateCommand($"""
            SELECT id, projection, event_seq, event_id, tenant_id, event_type, error, attempts, failed_at
              FROM {Schema}.dead_letters WHERE $1::text IS NULL OR projection = $1 ORDER BY id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)projection ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }
        return letters;
    }

    /// <summary>Applies a dead-lettered event again; on success the dead letter is removed, on failure it stays and this throws.</summary>
    public async Task ReplayDeadLetterAsync(long deadLetterId, CancellationToken cancellationToken = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The projection's checkpoint is locked first, as by the daemon's batches and a rebuild's swap, which then
        // takes the live tables and the dead letters: locked in that one order, a replay and a swap cannot deadlock.
        var (projectionName, _) = await FindDeadLetterAsync(connection, transaction, deadLetterId, forUpdate: false, cancellationToken)
            ?? throw new ArgumentException($"No dead letter with id {deadLetterId}.", nameof(deadLetterId));
        var projection = FindProjection(projectionName);
        await ProjectionProgress.LockAsync(connection, transaction, Schema, projectionName, cancellationToken);
        // Other code wrote the read model in another shape; its rebuild, not this replay, settles the letter.
        var written = await ProjectionProgress.ReadVersionAsync(connection, transaction, Schema, projectionName, cancellationToken);
        if (written != projection.Version)
        {
            throw new InvalidOperationException(
                $"'{projectionName}' was written by version {written} of its code, and this is version {projection.Version}; a replay would write the other shape. Nothing was changed: run the rebuild of the newer code.");
        }
        var (_, sequence) = await FindDeadLetterAsync(connection, transaction, deadLetterId, forUpdate: true, cancellationToken)
            ?? throw new ArgumentException($"Dead letter {deadLetterId} is gone: a rebuild replaced it, or another replay applied it.", nameof(deadLetterId));
        IReadOnlyList<StoredEvent> events;
        await using (var load = new NpgsqlCommand($"SELECT {EventReader.Columns} FROM {Schema}.events WHERE seq = $1", connection, transaction))
        {
            load.Parameters.Add(new NpgsqlParameter { Value = sequence });
            events = await EventReader.ReadAllAsync(load, Serializer, static _ => true, cancellationToken);
        }
        await projection.ApplyAsync(new ProjectionContext(connection, transaction, Schema, tableSuffix: ""), events, cancellationToken);
        await using (var delete = new NpgsqlCommand($"DELETE FROM {Schema}.dead_letters WHERE id = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = deadLetterId });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<(string Projection, long Sequence)?> FindDeadLetterAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long deadLetterId, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var find = new NpgsqlCommand(
            $"SELECT projection, event_seq FROM {Schema}.dead_letters WHERE id = $1{(forUpdate ? " FOR UPDATE" : "")}", connection, transaction);
        find.Parameters.Add(new NpgsqlParameter { Value = deadLetterId });
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    /// <summary>
    /// Replays every event into fresh copies of the projection's tables while the live ones keep
    /// serving, then swaps them in one transaction that also moves the checkpoint, records this code's
    /// <see cref="IProjection.Version"/>, and replaces the projection's dead letters with the events this replay could not apply. The daemon may keep
    /// running: the swap waits for its current batch, and it carries on from the rebuilt position.
    /// </summary>
    public async Task RebuildProjectionAsync(string name, IProgress<RebuildProgress>? progress = null, CancellationToken cancellationToken = default) =>
        await RebuildAsync(name, progress, onlyFromAnOlderVersion: false, cancellationToken);

    /// <summary>
    /// The rebuild a starting daemon runs for an inline projection written by older code. The version is read again
    /// under the rebuild's lock: another process of the same code may have rebuilt it since this one looked.
    /// </summary>
    internal Task RebuildFromAnOlderVersionAsync(string name, CancellationToken cancellationToken) =>
        RebuildAsync(name, progress: null, onlyFromAnOlderVersion: true, cancellationToken);

    private async Task RebuildAsync(string name, IProgress<RebuildProgress>? progress, bool onlyFromAnOlderVersion, CancellationToken cancellationToken)
    {
        var projection = FindProjection(name);
        if (projection.Tables.Count == 0)
        {
            throw new InvalidOperationException(
                $"'{name}' keeps no tables of its own, so there is nothing to rebuild and swap in: an inline one acts within each append, an async one carries on from its checkpoint.");
        }
        // The rebuild's lock lives as long as its session: an unpooled one with keepalives, so a host that vanishes
        // mid-rebuild frees it within about a minute, and no pooled connection goes back holding it.
        await using var connection = await SessionDataSource.OpenConnectionAsync(cancellationToken);
        // Two rebuilds of one projection would write the same fresh tables, so a second one is refused; a daemon's
        // waits for the first instead, and then finds its work done.
        var key = RebuildLockKey(name);
        if (!await RebuildLockAsync(connection, onlyFromAnOlderVersion ? "pg_advisory_lock" : "pg_try_advisory_lock", key, cancellationToken))
        {
            throw new InvalidOperationException($"A rebuild of '{name}' is already running.");
        }
        try
        {
            await RefuseNewerAsync(connection, null, projection, cancellationToken);
            if (!onlyFromAnOlderVersion || await ProjectionProgress.ReadVersionAsync(connection, null, Schema, name, cancellationToken) < projection.Version)
            {
                await ReplayAndSwapAsync(connection, projection, progress, cancellationToken);
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new InvalidOperationException(
                $"The rebuild of '{name}' could not swap in its tables within {SwapLockTimeout.TotalSeconds:F0} s (a long transaction holds the live tables); nothing was changed. Run it again.",
                exception);
        }
        finally
        {
            // A broken connection lost the lock with its session; unlocking it would only hide why the rebuild failed.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await RebuildLockAsync(connection, "pg_advisory_unlock", key, CancellationToken.None);
            }
        }
    }

    private string RebuildLockKey(string projection) => $"practice-rebuild:{Schema}.{projection}";

    private async Task RefuseNewerAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IProjection projection, CancellationToken cancellationToken)
    {
        var written = await ProjectionProgress.ReadVersionAsync(connection, transaction, Schema, projection.Name, cancellationToken);
        if (written > projection.Version)
        {
            throw new InvalidOperationException(
                $"'{projection.Name}' was written by version {written} of its code, newer than this one's {projection.Version}; rebuild it with the newer code. Nothing was changed.");
        }
    }

    private static async Task<bool> RebuildLockAsync(NpgsqlConnection connection, string function, string key, CancellationToken cancellationToken)
    {
        // A wait for another process's rebuild lasts as long as that rebuild, however long, until the caller stops.
        await using var command = new NpgsqlCommand($"SELECT {function}(hashtextextended($1, 0))", connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        // pg_advisory_lock returns nothing: it has the lock once it returns.
        return await command.ExecuteScalarAsync(cancellationToken) is not bool held || held;
    }

    private async Task ReplayAndSwapAsync(NpgsqlConnection connection, IProjection projection, IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        var name = projection.Name;
        using var activity = StoreInstrumentation.ActivitySource.StartActivity("projection rebuild");
        activity?.SetTag("practice.projection", name);
        var started = Stopwatch.GetTimestamp();

        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM {Schema}.events", connection))
        {
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        await using (var prepare = new NpgsqlCommand(string.Concat(projection.Tables.Select(t =>
            $"DROP TABLE IF EXISTS {Schema}.{t.Name}{RebuildSuffix}; {SchemaMigrator.TableDdl(Schema, t, RebuildSuffix)};")), connection))
        {
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        // Everything committed before the call is in the rebuild, even events the safe read cannot take yet
        // because an older transaction elsewhere is still open: the first phase waits for them.
        var target = await LatestCommittedAsync(cancellationToken) ?? ProjectionPosition.Start;
        var position = ProjectionPosition.Start;
        long processed = 0;
        var failures = new List<RebuildFailure>();
        void Report(bool swapped) => progress?.Report(new RebuildProgress(name, processed, Math.Max(total, processed),
            processed / Math.Max(Stopwatch.GetElapsedTime(started).TotalSeconds, 1e-6), swapped, failures.Count));

        // The replay applies under the daemon's default limits, so that an event slower than a statement may run is
        // set aside like any failing event, not taken, at the client's timeout, for an outage that fails every rebuild.
        // Only for the apply: the swap keeps its own lock limit, and its tail of new events none.
        var limits = ApplyLimits.For(ClientTimeout);

        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var (batch, full) = await ProjectionProgress.ReadSafeBatchAsync(this, connection, transaction, position, RebuildBatch, projection, cancellationToken);
            if (batch.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                if (position >= target)
                {
                    break;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
                continue;
            }
            await using (var applyLimits = new NpgsqlCommand(limits.TransactionSql, connection, transaction))
            {
                await applyLimits.ExecuteNonQueryAsync(cancellationToken);
            }
            try
            {
                await ApplyForRebuildAsync(connection, transaction, projection, batch, failures, cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                throw new InvalidOperationException(
                    $"The rebuild of '{name}' waited more than {limits.LockWait.TotalSeconds:0.#} s for a lock while it replayed (a migration, or a session holding a table the projection writes); nothing was changed. Run it again.",
                    exception);
            }
            await transaction.CommitAsync(cancellationToken);
            position = ProjectionPosition.Of(batch[^1]);
            processed += batch.Count;
            Report(swapped: false);
            // Past the target, a batch short of full leaves only what came since, which the swap reads: waiting for an
            // empty one would chase writers that never pause.
            if (position >= target && !full)
            {
                break;
            }
        }

        await using (var swap = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ProjectionProgress.LockAsync(connection, swap, Schema, name, cancellationToken);
            // Newer code may have rebuilt it meanwhile; the old shape must not replace the new one.
            await RefuseNewerAsync(connection, swap, projection, cancellationToken);
            // An inline projection is written by the appends themselves, not from a checkpoint, so the swap must
            // leave none of them behind in the old tables. Every append of such a store holds the inline lock
            // shared; holding it exclusively waits out the appends in flight and holds back the rest, which then
            // write the swapped-in tables. So everything committed by then is read, not only what lies below the
            // oldest running transaction. One lock taken before any table also means no deadlock with an append.
            var inline = Options.InlineProjections.Contains(projection);
            // The swap holds a transaction id, which holds back every async reader of the cluster, and for an inline
            // projection it holds back every append too; so neither the inline lock nor the tables' locks may wait
            // long, for a long report on the live table say: such a swap fails instead.
            await using (var timeout = new NpgsqlCommand($"SET LOCAL lock_timeout = '{SwapLockTimeout.TotalMilliseconds:F0}ms'", connection, swap))
            {
                await timeout.ExecuteNonQueryAsync(cancellationToken);
            }
            if (inline)
            {
                await using var exclusive = new NpgsqlCommand(AppendStatements.InlineLockExclusive, connection, swap);
                exclusive.Parameters.Add(new NpgsqlParameter { Value = Statements.InlineLockKey });
                await exclusive.ExecuteNonQueryAsync(cancellationToken);
            }
            while (true)
            {
                var batch = (await ProjectionProgress.ReadSafeBatchAsync(this, connection, swap, position, RebuildBatch, projection, cancellationToken, committed: inline)).Events;
                if (batch.Count == 0)
                {
                    break;
                }
                await ApplyForRebuildAsync(connection, swap, projection, batch, failures, cancellationToken);
                position = ProjectionPosition.Of(batch[^1]);
                processed += batch.Count;
            }
            foreach (var table in projection.Tables)
            {
                await SwapTableAsync(connection, swap, table.Name, cancellationToken);
            }
            // The old dead letters described the old tables; the rebuilt ones are described by this replay's failures.
            await using (var clear = new NpgsqlCommand($"DELETE FROM {Schema}.dead_letters WHERE projection = $1", connection, swap))
            {
                clear.Parameters.Add(new NpgsqlParameter { Value = name });
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }
            foreach (var failure in failures)
            {
                await ProjectionProgress.RecordDeadLetterAsync(connection, swap, Schema, name, failure.Event, failure.Error, failure.Attempts, cancellationToken);
            }
            await ProjectionProgress.SaveAsync(connection, swap, Schema, name, position, cancellationToken);
            await ProjectionProgress.SaveVersionAsync(connection, swap, Schema, name, projection.Version, cancellationToken);
            await swap.CommitAsync(cancellationToken);
        }
        StoreInstrumentation.DeadLetters.Add(failures.Count, new KeyValuePair<string, object?>("projection", name));
        activity?.SetTag("practice.events", processed);
        Report(swapped: true);
    }

    private sealed record RebuildFailure(StoredEvent Event, Exception Error, int Attempts);

    /// <summary>
    /// A batch that fails is applied again event by event, each under a savepoint, and an event that keeps
    /// failing is set aside as a failure: one poison event must not stop a rebuild, any more than the daemon.
    /// </summary>
    private async Task ApplyForRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection,
        IReadOnlyList<StoredEvent> batch, List<RebuildFailure> failures, CancellationToken cancellationToken)
    {
        const string wholeBatch = "rebuild_batch", oneEvent = "rebuild_event";
        await transaction.SaveAsync(wholeBatch, cancellationToken);
        try
        {
            await ApplyToRebuildTablesAsync(connection, transaction, projection, batch, cancellationToken);
            await transaction.ReleaseAsync(wholeBatch, cancellationToken);
            return;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && !Outages.IsOutage(exception, oneEvent: batch.Count == 1))
        {
            await transaction.RollbackAsync(wholeBatch, cancellationToken);
        }
        var logger = LoggerFactory.CreateLogger<StreamStore>();
        foreach (var stored in batch)
        {
            for (var attempt = 1; ; attempt++)
            {
                await transaction.SaveAsync(oneEvent, cancellationToken);
                try
                {
                    await ApplyToRebuildTablesAsync(connection, transaction, projection, [stored], cancellationToken);
                    await transaction.ReleaseAsync(oneEvent, cancellationToken);
                    break;
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested && !Outages.IsOutage(exception, oneEvent: true))
                {
                    await transaction.RollbackAsync(oneEvent, cancellationToken);
                    if (attempt < RebuildAttempts)
                    {
                        continue;
                    }
                    logger.LogError(exception, "Rebuild of {Projection} gave up on event {Sequence} ({Type}) after {Attempts} attempts.", projection.Name, stored.Sequence, stored.TypeName, attempt);
                    failures.Add(new RebuildFailure(stored, exception, attempt));
                    if (failures.Count > Options.RebuildMaxFailures)
                    {
                        throw new InvalidOperationException(
                            $"The rebuild of '{projection.Name}' stopped: more than {Options.RebuildMaxFailures:N0} events could not be applied, the last " +
                            $"{stored.Sequence} ({stored.TypeName}: {exception.Message}). The live tables and dead letters are unchanged; fix the projection and rebuild again.",
                            exception);
                    }
                    break;
                }
            }
        }
    }

    private async Task ApplyToRebuildTablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var relevant = Relevant(projection, events);
        if (relevant.Count > 0)
        {
            await projection.ApplyAsync(new ProjectionContext(connection, transaction, Schema, RebuildSuffix), relevant, cancellationToken);
        }
    }

    /// <summary>The rebuilt table takes the live one's name, and so do its indexes and owned sequences (identity columns).</summary>
    private async Task SwapTableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, CancellationToken cancellationToken)
    {
        var renames = new List<(string Kind, string Name)>();
        await using (var find = new NpgsqlCommand("""
            SELECT 'INDEX', indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2
            UNION ALL
            SELECT 'SEQUENCE', s.relname
              FROM pg_class s
              JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
              JOIN pg_class t ON t.oid = d.refobjid
              JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE s.relkind = 'S' AND n.nspname = $1 AND t.relname = $2
            """, connection, transaction))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = Schema });
            find.Parameters.Add(new NpgsqlParameter { Value = table + RebuildSuffix });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                renames.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        // Dropping the live table first frees the names (its owned sequences go with it).
        var sql = $"DROP TABLE {Schema}.{table}; ALTER TABLE {Schema}.{table}{RebuildSuffix} RENAME TO {table};" + string.Concat(renames
            .Where(r => r.Name.Contains(RebuildSuffix, StringComparison.Ordinal))
            .Select(r => $"ALTER {r.Kind} {Schema}.\"{r.Name}\" RENAME TO \"{r.Name.Replace(RebuildSuffix, "", StringComparison.Ordinal)}\";"));
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
