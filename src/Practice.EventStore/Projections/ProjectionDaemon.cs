using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Practice.EventStore.Projections;

public sealed record DaemonOptions
{
    public int BatchSize { get; init; } = 500;

    /// <summary>A batch ends after the event whose stored size brings it to this many bytes, however few events it holds.</summary>
    public long BatchBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Fallback when a notification is missed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a non-leader asks for a projection's lock again.</summary>
    public TimeSpan LeaderRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Wait before reading again when committed events sit behind a still-open transaction.</summary>
    public TimeSpan InFlightRecheck { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// The wait doubles for as long as events stay held back, up to this: one forgotten transaction must not keep
    /// every projection polling every few milliseconds. Small, because the end of what holds them back (another
    /// projection's batch, say) notifies no one; a notification of new events still wakes the daemon at once.
    /// </summary>
    public TimeSpan InFlightRecheckLimit { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How often an event is applied on its own before it is dead-lettered, once the batch it came in has failed
    /// (that batch attempt is not counted: it cannot tell which of its events failed).
    /// </summary>
    public int MaxAttempts { get; init; } = 3;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// After a failure that is not one event's (an outage), a projection is tried again after <see cref="LeaderRetryInterval"/>,
    /// and the wait doubles, up to this, for as long as the failures go on: a partner down for an hour is not called every two seconds.
    /// </summary>
    public TimeSpan OutageRetryLimit { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long one statement of a projection's apply may run before the server cancels it, which counts against the
    /// event (a batch that runs too long is tried event by event). Null: four fifths of the connection's Command
    /// Timeout, so that the server, which tells a slow statement from a lock wait, answers before the client gives up;
    /// at most nine tenths of it. The daemon's own reads of a batch are not limited: their time grows with the link.
    /// </summary>
    public TimeSpan? StatementTimeout { get; init; }

    /// <summary>
    /// Another session may hold a projection back: its checkpoint held (a rebuild's swap, a dead letter's replay), read
    /// again after a wait that grows to <see cref="PollInterval"/>, or committed events behind a transaction still open.
    /// Both are waited for quietly. Held back longer than this, it is most likely a session left open: a warning names
    /// it, and a stall is counted, each time this much more has passed. Longer than the lock limit.
    /// </summary>
    public TimeSpan HeldBackWarning { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a statement of the leader waits for a lock (a migration's, a session holding a read
    /// model's table) before the server cancels it, which is an outage: nothing is dead-lettered. Below
    /// <see cref="StatementTimeout"/>; null: 5 s, or half the statement timeout if that is shorter.
    /// </summary>
    public TimeSpan? LockTimeout { get; init; }
}

/// <summary>The wait before a projection is tried again: doubling from the first to the limit while failures follow each other.</summary>
internal sealed class FailureBackoff
{
    private readonly TimeSpan _first;
    private readonly TimeSpan _limit;
    private TimeSpan _next;
    private TimeSpan _last;

    public FailureBackoff(TimeSpan first, TimeSpan limit)
    {
        (_first, _limit, _next) = (first, TimeSpan.FromTicks(Math.Max(limit.Ticks, first.Ticks)), first);
    }

    public TimeSpan Next()
    {
        _last = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, _limit.Ticks));
        return _last;
    }

    public void Reset() => (_next, _last) = (_first, TimeSpan.Zero);

    /// <summary>That a wait as long as they may grow has been given since the last reset.</summary>
    public bool HasGivenTheLimit => _last >= _limit;
}

/// <summary>
/// Runs async projections (and subscriptions, which are projections with side effects) in the
/// gap-free (tx, seq) order. One leader per projection across all processes: the holder of its
/// advisory lock; the others wait and take over when the lock is released.
/// </summary>
public sealed class ProjectionDaemon : IAsyncDisposable
{
    private readonly StreamStore _store;
    private readonly DaemonOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Channel<bool>> _wakeups = new();
    private readonly ConcurrentDictionary<string, bool> _leading = new();
    private readonly ConcurrentDictionary<string, bool> _standingBy = new();
    private readonly ConcurrentDictionary<string, FailureBackoff> _rebuildRetry = new();
    private readonly Lock _lifecycle = new();
    private readonly ApplyLimits _limits;
    private CancellationTokenSource? _stopping;
    private Task? _stopped;

    internal ProjectionDaemon(StreamStore store, DaemonOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        // At zero bytes not even a batch's first event would fit, and the projection would wait for good.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxAttempts);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryDelay, TimeSpan.Zero);
        // A zero wait in any of these loops would ask the database again at once, for as long as the answer stays the same.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LeaderRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.InFlightRecheck, TimeSpan.Zero);
        // Checked once, here: the leader's session keeps them, and each apply sets its statement limit anew.
        _limits = ApplyLimits.For(store.ClientTimeout, options.StatementTimeout, options.LockTimeout);
        // Sooner, a swap's ordinary moment would be reported as a session left open.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.HeldBackWarning, _limits.LockWait);
        _store = store;
        _options = options;
        _logger = store.LoggerFactory.CreateLogger<ProjectionDaemon>();
    }

    /// <summary>Projections this instance currently leads.</summary>
    public IReadOnlyCollection<string> Leading => _leading.Where(p => p.Value).Select(p => p.Key).ToList();

    /// <summary>Projections this instance leaves alone because newer code wrote them (see <see cref="IProjection.Version"/>).</summary>
    public IReadOnlyCollection<string> StandingBy => _standingBy.Where(p => p.Value).Select(p => p.Key).ToList();

    /// <summary>Starts every loop; a daemon runs once, so starting it again, even after a stop, is refused.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            if (_stopping is not null)
            {
                throw new InvalidOperationException("The daemon has been started already; create another to run again.");
            }
            _stopping = new CancellationTokenSource();
            var stopping = _stopping.Token;
            var projections = _store.Options.AsyncProjections;
            foreach (var projection in projections)
            {
                _wakeups[projection.Name] = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
            }
            _store.Appended += WakeAll;
            List<Task> loops = [Task.Run(() => ListenAsync(stopping), CancellationToken.None),
                .. projections.Select(p => Task.Run(() => RunAsync(p, stopping), CancellationToken.None)),
                .. _store.Options.InlineProjections.Where(p => p.Tables.Count > 0)
                    .Select(p => Task.Run(() => KeepInlineAtOwnVersionAsync(p, stopping), CancellationToken.None))];
            _stopped = WhenStoppedAsync(loops);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops every loop and releases the leader locks. Every caller, concurrent or later, waits for the same stop;
    /// the caller's token gives up the wait, not the stop.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task? stopped;
        CancellationTokenSource? stopping;
        lock (_lifecycle)
        {
            (stopped, stopping) = (_stopped, _stopping);
        }
        if (stopped is null || stopping is null)
        {
            return;
        }
        // Outside the lock: cancelling runs the loops' callbacks, which must not hold up a concurrent stop or start.
        await stopping.CancelAsync().WaitAsync(cancellationToken);
        await stopped.WaitAsync(cancellationToken);
    }

    private async Task WhenStoppedAsync(List<Task> loops)
    {
        try
        {
            await Task.WhenAll(loops);
        }
        catch (Exception exception)
        {
            // Each loop catches what it meets; one that still ends in a fault must not make a stop throw.
            _logger.LogError(exception, "A projection daemon loop ended with an error.");
        }
        finally
        {
            _store.Appended -= WakeAll;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void WakeAll()
    {
        foreach (var channel in _wakeups.Values)
        {
            channel.Writer.TryWrite(true);
        }
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        var afterFailure = new FailureBackoff(_options.PollInterval, ListenerRetryLimit);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _store.SessionDataSource.OpenConnectionAsync(stopping);
                connection.Notification += (_, _) => WakeAll();
                await using (var listen = new NpgsqlCommand($"LISTEN \"{_store.NotificationChannel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }
                afterFailure.Reset();
                WakeAll();
                while (!stopping.IsCancellationRequested)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            // Stopping can surface as any failure of the work it cut short (a closed connection, say), not only a cancellation.
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            // Whatever ends the listening, it starts again: without it, commits of other processes wait for the poll.
            // The projections poll meanwhile, so a database that keeps refusing is asked ever less often.
            catch (Exception exception)
            {
                var wait = afterFailure.Next();
                _logger.LogWarning(exception, "Event notification listener lost its connection; polling until it reconnects, in {Wait}.", wait);
                await Delay(wait, stopping);
            }
        }
    }

    /// <summary>
    /// An inline projection is written by the appends themselves, so no leader applies it; the daemon only keeps its
    /// tables at this code's version. Written by older code, they are rebuilt, whose swap holds the appends back for a
    /// moment. Written by newer code, they are left to it, and the mismatch is logged: this process's appends go on
    /// writing them, since refusing its appends instead would stop the clinic during a rolling deploy.
    /// </summary>
    private async Task KeepInlineAtOwnVersionAsync(IProjection projection, CancellationToken stopping)
    {
        var afterFailure = new FailureBackoff(RebuildRetryFirst, RebuildRetryLimit);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                int written;
                await using (var connection = await _store.DataSource.OpenConnectionAsync(stopping))
                {
                    written = await ProjectionProgress.ReadVersionAsync(connection, null, _store.Schema, projection.Name, stopping);
                }
                if (written > projection.Version)
                {
                    _logger.LogWarning("Inline projection {Projection} was written by version {Written} of its code, newer than this process's {Version}; this process's appends still write it.",
                        projection.Name, written, projection.Version);
                    return;
                }
                if (written == projection.Version)
                {
                    return;
                }
                if (written == 0)
                {
                    _logger.LogInformation("Inline projection {Projection} is new to a store that already holds events; building it from them.", projection.Name);
                }
                else
                {
                    _logger.LogInformation("Inline projection {Projection} was written by version {Written} of its code; rebuilding it with version {Version}.",
                        projection.Name, written, projection.Version);
                }
                await _store.RebuildFromAnOlderVersionAsync(projection.Name, stopping);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            // Another instance rebuilding it already, or a failed rebuild: read the version again after a wait.
            catch (Exception exception)
            {
                var wait = afterFailure.Next();
                _logger.LogWarning(exception, "Inline projection {Projection} could not be brought to version {Version}; trying again in {Wait}.", projection.Name, projection.Version, wait);
                await Delay(wait, stopping);
            }
        }
    }

    private async Task RunAsync(IProjection projection, CancellationToken stopping)
    {
        var afterFailure = new FailureBackoff(_options.LeaderRetryInterval, _options.OutageRetryLimit);
        while (!stopping.IsCancellationRequested)
        {
            // Not leading for now (newer code wrote it, or its rebuild failed): the lock goes with the connection,
            // and it asks again after this wait.
            TimeSpan? standBy = null;
            try
            {
                // A standby keeps its connection while it waits, rather than dialling anew each time.
                await using var connection = await _store.SessionDataSource.OpenConnectionAsync(stopping);
                await using (var limits = new NpgsqlCommand(_limits.SessionSql, connection))
                {
                    await limits.ExecuteNonQueryAsync(stopping);
                }
                while (!await TryLeadAsync(connection, projection, stopping))
                {
                    await Delay(_options.LeaderRetryInterval, stopping);
                }
                try
                {
                    standBy = await AtOwnVersionAsync(connection, projection, stopping);
                    if (standBy is null)
                    {
                        _leading[projection.Name] = true;
                        _logger.LogInformation("Leading projection {Projection}.", projection.Name);
                        await LeadThroughOutagesAsync(connection, projection, afterFailure, stopping);
                    }
                }
                finally
                {
                    _leading[projection.Name] = false;
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            // Whatever went wrong, the loop lives on: a projection that silently stops is the worst outcome.
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                await StallAsync(projection, exception, afterFailure, "stopped leading after an error", stopping);
            }
            if (standBy is { } wait)
            {
                await Delay(wait, stopping);
            }
        }
    }

    /// <summary>
    /// Null when the read model is this code's version, after rebuilding it if older code wrote it; otherwise how
    /// long to wait before asking again. Newer code's read model is left alone, so that this process never writes
    /// the old shape into it; a rebuild that fails (too many failing events, a swap that cannot get its locks, a
    /// rebuild already running) is tried again after a wait that doubles up to 5 minutes, not at once.
    /// </summary>
    private async Task<TimeSpan?> AtOwnVersionAsync(NpgsqlConnection connection, IProjection projection, CancellationToken stopping)
    {
        var written = await ProjectionProgress.ReadVersionAsync(connection, null, _store.Schema, projection.Name, stopping);
        if (written > projection.Version)
        {
            if (!_standingBy.TryGetValue(projection.Name, out var already) || !already)
            {
                _logger.LogWarning("Projection {Projection} was written by version {Written} of its code, newer than this process's {Version}; leaving it to a process that runs the newer code.",
                    projection.Name, written, projection.Version);
            }
            _standingBy[projection.Name] = true;
            return _options.LeaderRetryInterval;
        }
        _standingBy[projection.Name] = false;
        if (written < projection.Version)
        {
            _logger.LogInformation("Projection {Projection} was written by version {Written} of its code; rebuilding it with version {Version}.",
                projection.Name, written, projection.Version);
            try
            {
                if (projection.Tables.Count > 0)
                {
                    await _store.RebuildProjectionAsync(projection.Name, null, stopping);
                }
                else
                {
                    // Nothing of its own to rebuild (a subscription's effects are not replayed): it carries on from its checkpoint.
                    await using var transaction = await connection.BeginTransactionAsync(stopping);
                    await ProjectionProgress.SaveVersionAsync(connection, transaction, _store.Schema, projection.Name, projection.Version, stopping);
                    await transaction.CommitAsync(stopping);
                }
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested && exception is InvalidOperationException or NpgsqlException)
            {
                var wait = _rebuildRetry.GetOrAdd(projection.Name, _ => new FailureBackoff(RebuildRetryFirst, RebuildRetryLimit)).Next();
                _logger.LogError(exception, "Projection {Projection} could not be rebuilt for version {Version}; trying again in {Wait}.", projection.Name, projection.Version, wait);
                // Waited with the lead held, so that another instance with the same code does not replay everything meanwhile.
                await Delay(wait, stopping);
                return TimeSpan.Zero;
            }
            _rebuildRetry.TryRemove(projection.Name, out _);
        }
        return null;
    }

    private static readonly TimeSpan ListenerRetryLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RebuildRetryFirst = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RebuildRetryLimit = TimeSpan.FromMinutes(5);

    /// <summary>A session-level advisory lock on an unpooled connection: released when it closes, however the process ends.</summary>
    private async Task<bool> TryLeadAsync(NpgsqlConnection connection, IProjection projection, CancellationToken stopping)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey(_store.Schema, projection.Name) });
        return (bool)(await command.ExecuteScalarAsync(stopping))!;
    }

    internal static string LockKey(string schema, string projection) => $"practice-projection:{schema}.{projection}";

    /// <summary>
    /// An outage every instance would meet (the projection's target down, a lock held on its table) is waited out with
    /// the lead held while the waits grow: released, it would pass at once to a standby that meets the same outage, and
    /// the target would be tried as often as there are instances. Once a wait as long as the limit has been held, the
    /// lead is released, so that an outage of this host alone (its DNS, its egress) passes the projection to another:
    /// an instance that takes it with its own waits still at the limit tries once and releases it in turn, so through a
    /// long outage the target is tried about once per limit by each instance. Any other
    /// error, or a broken session, ends the lead at once, since a fresh session may not meet it.
    /// </summary>
    private async Task LeadThroughOutagesAsync(NpgsqlConnection connection, IProjection projection, FailureBackoff afterFailure, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await LeadAsync(connection, projection, afterFailure, stopping);
                return;
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested && connection.FullState == ConnectionState.Open
                && !afterFailure.HasGivenTheLimit && Outages.IsSharedByEveryInstance(exception))
            {
                await StallAsync(projection, exception, afterFailure, "stopped after an error, still leading", stopping);
            }
        }
    }

    private async Task StallAsync(IProjection projection, Exception exception, FailureBackoff afterFailure, string what, CancellationToken stopping)
    {
        var retryIn = afterFailure.Next();
        _logger.LogError(exception, "Projection {Projection} {What}; retrying in {Wait}.", projection.Name, what, retryIn);
        StoreInstrumentation.ProjectionStalls.Add(1,
            new KeyValuePair<string, object?>("projection", projection.Name), new KeyValuePair<string, object?>("error.type", exception.GetType().Name));
        await Delay(retryIn, stopping);
    }

    private async Task LeadAsync(NpgsqlConnection connection, IProjection projection, FailureBackoff afterFailure, CancellationToken stopping)
    {
        var wakeup = _wakeups[projection.Name];
        var inFlightWait = new FailureBackoff(_options.InFlightRecheck, _options.InFlightRecheckLimit);
        var checkpointWait = new FailureBackoff(_options.InFlightRecheck, _options.PollInterval);
        var heldBack = new HeldBack(_options.HeldBackWarning);
        while (!stopping.IsCancellationRequested)
        {
            wakeup.Reader.TryRead(out _);
            var batchStarted = Stopwatch.GetTimestamp();
            var outcome = await ProcessBatchAsync(connection, projection, stopping);
            // Whatever the outcome, the batch met no outage: the next one waits from the start again.
            afterFailure.Reset();
            if (outcome != BatchOutcome.InFlight)
            {
                inFlightWait.Reset();
            }
            if (outcome != BatchOutcome.CheckpointHeld)
            {
                checkpointWait.Reset();
            }
            if (outcome is BatchOutcome.InFlight or BatchOutcome.CheckpointHeld)
            {
                if (outcome == BatchOutcome.CheckpointHeld && !heldBack.IsHeld)
                {
                    _logger.LogInformation("Projection {Projection} waits for its checkpoint, held by another session (a rebuild's swap, a dead letter's replay).", projection.Name);
                }
                if (heldBack.Met(batchStarted) is { } held)
                {
                    await ReportHeldBackAsync(connection, projection, outcome, held, stopping);
                }
            }
            else
            {
                heldBack.Ended();
            }
            if (outcome == BatchOutcome.VersionChanged)
            {
                return;
            }
            if (outcome == BatchOutcome.Processed)
            {
                continue;
            }
            var wait = outcome switch
            {
                BatchOutcome.InFlight => inFlightWait.Next(),
                BatchOutcome.CheckpointHeld => checkpointWait.Next(),
                _ => _options.PollInterval,
            };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(wait);
            try
            {
                await wakeup.Reader.WaitToReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
            }
        }
    }

    private enum BatchOutcome { Processed, InFlight, CheckpointHeld, Idle, VersionChanged }

    /// <summary>
    /// How long the projection has been held back by other sessions, from the start of the first batch they held back,
    /// and when that is next worth a report: every <see cref="DaemonOptions.HeldBackWarning"/> of it.
    /// </summary>
    private sealed class HeldBack(TimeSpan reportEvery)
    {
        private readonly TimeSpan _reportEvery = reportEvery;
        private long? _since;
        private TimeSpan _reportAt = reportEvery;

        public bool IsHeld => _since is not null;

        /// <summary>How long it has been held back, when a report is due; otherwise null.</summary>
        public TimeSpan? Met(long batchStarted)
        {
            _since ??= batchStarted;
            var held = Stopwatch.GetElapsedTime(_since.Value);
            if (held < _reportAt)
            {
                return null;
            }
            _reportAt = held + _reportEvery;
            return held;
        }

        public void Ended() => (_since, _reportAt) = (null, _reportEvery);
    }

    /// <summary>
    /// Names the session most likely holding the projection back: the oldest holding its checkpoint table for update,
    /// or the oldest transaction with an id, below which no async reader may read. A lookup that fails is only reported.
    /// </summary>
    private async Task ReportHeldBackAsync(NpgsqlConnection connection, IProjection projection, BatchOutcome outcome, TimeSpan held, CancellationToken stopping)
    {
        var checkpointHeld = outcome == BatchOutcome.CheckpointHeld;
        string holder;
        try
        {
            await using var lookup = new NpgsqlCommand(checkpointHeld ? CheckpointHolderSql : HorizonHolderSql, connection);
            if (checkpointHeld)
            {
                lookup.Parameters.Add(new NpgsqlParameter { Value = $"{_store.Schema}.projection_progress" });
            }
            await using var reader = await lookup.ExecuteReaderAsync(stopping);
            holder = !await reader.ReadAsync(stopping) ? "a session this role cannot see"
                : reader.IsDBNull(2) ? FormattableString.Invariant($"process {reader.GetInt32(0)} ({reader.GetString(1)})")
                : FormattableString.Invariant($"process {reader.GetInt32(0)} ({reader.GetString(1)}), in a transaction for {TimeSpan.FromSeconds(Math.Round(reader.GetTimeSpan(2).TotalSeconds)):c}");
        }
        catch (NpgsqlException exception) when (!stopping.IsCancellationRequested)
        {
            holder = $"a session that could not be looked up ({exception.Message})";
        }
        _logger.LogWarning(checkpointHeld
                ? "Projection {Projection} has waited {Held} for its checkpoint; {Holder} holds projection_progress for update."
                : "Projection {Projection} has waited {Held} for events held back by a transaction still open; the oldest is {Holder}.",
            projection.Name, held, holder);
        StoreInstrumentation.ProjectionStalls.Add(1, new KeyValuePair<string, object?>("projection", projection.Name),
            new KeyValuePair<string, object?>("error.type", checkpointHeld ? "CheckpointHeld" : "HorizonHeld"));
    }

    private const string CheckpointHolderSql = """
        SELECT a.pid, coalesce(a.application_name, ''), now() - a.xact_start
          FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'relation' AND l.relation = to_regclass($1) AND l.granted
           AND l.mode IN ('RowShareLock', 'RowExclusiveLock') AND l.pid <> pg_backend_pid()
         ORDER BY a.xact_start NULLS LAST
         LIMIT 1
        """;

    private const string HorizonHolderSql = """
        SELECT pid, coalesce(application_name, ''), now() - xact_start
          FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
         ORDER BY age(backend_xid) DESC
         LIMIT 1
        """;

    private async Task<BatchOutcome> ProcessBatchAsync(NpgsqlConnection connection, IProjection projection, CancellationToken stopping)
    {
        using var activity = StoreInstrumentation.ActivitySource.StartActivity("projection batch");
        activity?.SetTag("practice.projection", projection.Name);
        var started = Stopwatch.GetTimestamp();

        await using var transaction = await connection.BeginTransactionAsync(stopping);
        var checkpoint = await ProjectionProgress.ReadAsync(connection, transaction, _store.Schema, projection.Name, forUpdate: false, stopping);
        var events = (await ProjectionProgress.ReadSafeBatchAsync(_store, connection, transaction, checkpoint,
            new BatchLimits(_options.BatchSize, _options.BatchBytes), projection, stopping)).Events;
        if (events.Count == 0)
        {
            var inFlight = await ProjectionProgress.AnyAfterAsync(connection, transaction, _store.Schema, checkpoint, stopping);
            await transaction.RollbackAsync(stopping);
            return inFlight ? BatchOutcome.InFlight : BatchOutcome.Idle;
        }
        // Only a batch to apply takes the lock. A rebuild that swapped in since the read has moved the checkpoint,
        // and one run by other code has left the read model at another version, which this code must not write.
        ProjectionPosition locked;
        int written;
        try
        {
            (locked, written) = await ProjectionProgress.LockWithVersionAsync(connection, transaction, _store.Schema, projection.Name, stopping);
        }
        // A rebuild's swap, or a dead letter's replay, holds the checkpoint while it works, which can outlast the lock
        // limit: that is its turn, not an outage, so the batch is read again shortly.
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            await transaction.RollbackAsync(stopping);
            return BatchOutcome.CheckpointHeld;
        }
        if (written != projection.Version || locked != checkpoint)
        {
            await transaction.RollbackAsync(stopping);
            return written == projection.Version ? BatchOutcome.Processed : BatchOutcome.VersionChanged;
        }

        // A COMMIT that fails (on a read model's deferred constraint, say) has ended the transaction already, and
        // rolling it back again would throw out of the handler that isolates the failing event.
        var committing = false;
        try
        {
            await ApplyAsync(connection, transaction, projection, events, stopping);
            await ProjectionProgress.SaveAsync(connection, transaction, _store.Schema, projection.Name, ProjectionPosition.Of(events[^1]), stopping);
            committing = true;
            await transaction.CommitAsync(stopping);
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested && !Outages.IsOutage(exception, oneEvent: events.Count == 1))
        {
            if (!committing)
            {
                await transaction.RollbackAsync(stopping);
            }
            _logger.LogWarning(exception, "Projection {Projection} failed a batch of {Count}; retrying event by event.", projection.Name, events.Count);
            if (!await ApplyOneByOneAsync(connection, projection, events, stopping))
            {
                return BatchOutcome.CheckpointHeld;
            }
        }

        activity?.SetTag("practice.events", events.Count);
        StoreInstrumentation.ProjectionLag.Record((DateTimeOffset.UtcNow - events[0].Timestamp).TotalSeconds, new KeyValuePair<string, object?>("projection", projection.Name));
        StoreInstrumentation.ProjectedEvents.Add(events.Count, new KeyValuePair<string, object?>("projection", projection.Name));
        StoreInstrumentation.ProjectionBatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("projection", projection.Name));
        return BatchOutcome.Processed;
    }

    private async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, IReadOnlyList<StoredEvent> events, CancellationToken stopping)
    {
        var relevant = _store.Relevant(projection, events);
        if (relevant.Count > 0)
        {
            if (_limits.StatementSql is { } statementLimit)
            {
                await using var limit = new NpgsqlCommand(statementLimit, connection, transaction);
                await limit.ExecuteNonQueryAsync(stopping);
            }
            await projection.ApplyAsync(new ProjectionContext(connection, transaction, _store.Schema, tableSuffix: ""), relevant, stopping);
        }
    }

    /// <summary>
    /// Isolates the failing event: each is retried, then dead-lettered so the rest flow on. False when another session
    /// holds the checkpoint: the events not yet applied are read again with the next batch.
    /// </summary>
    private async Task<bool> ApplyOneByOneAsync(NpgsqlConnection connection, IProjection projection, IReadOnlyList<StoredEvent> events, CancellationToken stopping)
    {
        foreach (var stored in events)
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var transaction = await connection.BeginTransactionAsync(stopping);
                ProjectionPosition checkpoint;
                try
                {
                    checkpoint = await ProjectionProgress.LockAsync(connection, transaction, _store.Schema, projection.Name, stopping);
                }
                catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
                {
                    await transaction.RollbackAsync(stopping);
                    return false;
                }
                // Between the failed batch and now, a rebuild may have swapped in tables that already hold this event.
                if (checkpoint >= ProjectionPosition.Of(stored))
                {
                    await transaction.RollbackAsync(stopping);
                    break;
                }
                var committing = false;
                try
                {
                    await ApplyAsync(connection, transaction, projection, [stored], stopping);
                    await ProjectionProgress.SaveAsync(connection, transaction, _store.Schema, projection.Name, ProjectionPosition.Of(stored), stopping);
                    committing = true;
                    await transaction.CommitAsync(stopping);
                    break;
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested && !Outages.IsOutage(exception, oneEvent: true))
                {
                    if (!committing)
                    {
                        await transaction.RollbackAsync(stopping);
                    }
                    if (attempt < _options.MaxAttempts)
                    {
                        await Delay(_options.RetryDelay * attempt, stopping);
                        continue;
                    }
                    var deadLettering = await ProjectionProgress.DeadLetterAsync(connection, _store.Schema, projection.Name, stored, exception, attempt, stopping);
                    if (deadLettering == DeadLettering.CheckpointHeld)
                    {
                        return false;
                    }
                    if (deadLettering == DeadLettering.Recorded)
                    {
                        _logger.LogError(exception, "Projection {Projection} gave up on event {Sequence} ({Type}) after {Attempts} attempts.", projection.Name, stored.Sequence, stored.TypeName, attempt);
                        StoreInstrumentation.DeadLetters.Add(1, new KeyValuePair<string, object?>("projection", projection.Name));
                    }
                    break;
                }
            }
        }
        return true;
    }

    private static async Task Delay(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, stopping);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
