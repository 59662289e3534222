using Npgsql;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

/// <summary>An event log whose apply runs far longer than any statement may for one deposit, and counts its tries.</summary>
public sealed class SlowOnDemandProjection(string name) : TroubledEventLog(name)
{
    private int _tries;

    public const decimal SlowAmount = 4242m;

    public int Tries => Volatile.Read(ref _tries);

    protected override async Task MeetTroubleAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _tries);
        if (events.Any(e => e.Data is Deposited { Amount: SlowAmount }))
        {
            await using var slow = context.CreateCommand("SELECT pg_sleep(5)");
            await slow.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

public sealed class SlowEventsAndLockWaitsFixture() : OneProjectionFixture<SlowOnDemandProjection>(new("slow_or_locked_log"))
{
    public ComplaintsLogger Complaints { get; } = new();

    protected override Microsoft.Extensions.Logging.ILoggerFactory Logs => Complaints;
}

/// <summary>
/// A statement that runs too long and a statement that waits for a lock look alike to the client; the server tells
/// them apart when the daemon sets its limits, and only the first is the event's fault.
/// </summary>
[Collection(HoldsTransactionIds.Name)]
public sealed class SlowEventsAndLockWaits(SlowEventsAndLockWaitsFixture fixture) : IClassFixture<SlowEventsAndLockWaitsFixture>
{
    private static readonly DaemonOptions Limited = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(50),
        LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
        OutageRetryLimit = TimeSpan.FromMilliseconds(200),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        StatementTimeout = TimeSpan.FromMilliseconds(300),
        LockTimeout = TimeSpan.FromMilliseconds(100),
    };

    private readonly StreamStore _store = fixture.Store;

    // Before the daemon set a statement timeout, the client's 30 s passed first, which was taken for an outage: one slow event stalled the projection for good.
    [Fact]
    public async Task An_event_slower_than_the_statement_timeout_is_dead_lettered_and_the_rest_flow_on()
    {
        await using var daemon = _store.CreateDaemon(Limited);
        await daemon.StartAsync();
        const string stream = "account-with-a-slow-deposit";
        await using (var session = _store.OpenSession("tenant-a"))
        {
            session.StartStream(stream, "account", new Opened(stream), new Deposited(1), new Deposited(SlowOnDemandProjection.SlowAmount), new Deposited(3));
            await session.SaveChangesAsync();
        }

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(20));

        var letter = Assert.Single(await _store.GetDeadLettersAsync(fixture.Projection.Name));
        Assert.Equal(3, await Db.ScalarAsync<long>($"SELECT version FROM {fixture.Schema}.events WHERE seq = $1", letter.EventSequence));
        Assert.Contains("statement timeout", letter.Error, StringComparison.Ordinal);
        Assert.Equal(3, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
    }

    // Waiting on a lock longer than a statement may run would be cancelled as a slow statement, and dead-lettered, without a shorter lock timeout.
    [Fact]
    public async Task A_session_holding_the_read_model_table_dead_letters_nothing_and_the_events_follow_its_end()
    {
        await using var daemon = _store.CreateDaemon(Limited);
        await daemon.StartAsync();
        var lettersBefore = (await _store.GetDeadLettersAsync(fixture.Projection.Name)).Count;
        const string stream = "account-behind-a-table-lock";
        await using (var holder = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await holder.OpenAsync();
            await using var holding = await holder.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {fixture.Schema}.{fixture.Projection.Name} IN EXCLUSIVE MODE", holder, holding))
            {
                await lockTable.ExecuteNonQueryAsync();
            }
            var triesBefore = fixture.Projection.Tries;
            await Accounts.StartAsync(_store, stream, 3);
            // More tries, each ended by the lock timeout, than a slow event gets before it is dead-lettered.
            await Eventually.HoldsAsync(() => fixture.Projection.Tries - triesBefore > 4, TimeSpan.FromSeconds(20), "the daemon keeps trying behind the lock");
            Assert.Equal(lettersBefore, (await _store.GetDeadLettersAsync(fixture.Projection.Name)).Count);
            await holding.CommitAsync();
        }

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
        Assert.Equal(lettersBefore, (await _store.GetDeadLettersAsync(fixture.Projection.Name)).Count);
    }

    // The checkpoint lock waited out only the lock limit, so every rebuild's swap longer than that logged an error and counted a stall.
    [Fact]
    public async Task A_checkpoint_held_longer_than_the_lock_limit_is_waited_for_quietly()
    {
        using var stalls = new StallCounter(fixture.Projection.Name);
        const string stream = "account-behind-a-held-checkpoint";
        // Committed before the row is held, so that they lie below the holder's transaction and the daemon reads them.
        await Accounts.StartAsync(_store, stream, 3);
        await using var daemon = _store.CreateDaemon(Limited);
        await using (var holder = await OpenTransaction.HoldCheckpointAsync(fixture.Schema, fixture.Projection.Name))
        {
            await daemon.StartAsync();
            await holder.WaitUntilTheDaemonHasWaitedAsync();
            // Five lock limits more: the daemon meets the held row again after each.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.Equal(0, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
        }

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
        Assert.Equal(0, stalls.Stalls);
    }

    private static readonly DaemonOptions ReportingSoon = Limited with { HeldBackWarning = TimeSpan.FromMilliseconds(300) };

    // Waited for quietly without end, a session left open on the checkpoint stopped the projection with nothing but an Information line to say so.
    [Fact]
    public async Task A_checkpoint_held_on_is_reported_with_its_holder_each_time_the_warning_period_passes()
    {
        using var stalls = new StallCounter(fixture.Projection.Name);
        const string stream = "account-behind-a-forgotten-session";
        await Accounts.StartAsync(_store, stream, 2);
        await using var daemon = _store.CreateDaemon(ReportingSoon);
        await using (var holder = await OpenTransaction.HoldCheckpointAsync(fixture.Schema, fixture.Projection.Name))
        {
            await daemon.StartAsync();
            await Eventually.HoldsAsync(() => stalls.Stalls >= 2, TimeSpan.FromSeconds(20), "the held checkpoint is counted as a stall twice");
            Assert.Equal(0, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
            Assert.Contains(fixture.Complaints.Complaints, complaint =>
                complaint.Contains("for its checkpoint", StringComparison.Ordinal) && complaint.Contains($"process {holder.ProcessId} ", StringComparison.Ordinal));
        }

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
        await HeldBackBrieflyCountsNoStallAsync(stalls, $"{stream}-held-again");
    }

    // Behind a transaction left open, every projection rechecked every 50 ms for as long as it lasted, and nothing said why.
    [Fact]
    public async Task Events_held_back_by_a_transaction_left_open_are_reported_with_its_session_each_time_the_warning_period_passes()
    {
        using var stalls = new StallCounter(fixture.Projection.Name);
        const string stream = "account-behind-a-transaction-left-open";
        await using var daemon = _store.CreateDaemon(ReportingSoon);
        await daemon.StartAsync();
        await using (var open = await OpenTransaction.StartAsync())
        {
            await Accounts.StartAsync(_store, stream, 2);
            await Eventually.HoldsAsync(() => stalls.Stalls >= 2, TimeSpan.FromSeconds(20), "the held-back events are counted as a stall twice");
            Assert.Equal(0, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
            Assert.Contains(fixture.Complaints.Complaints, complaint =>
                complaint.Contains("transaction still open", StringComparison.Ordinal) && complaint.Contains($"process {open.ProcessId} ", StringComparison.Ordinal));
        }

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
        await HeldBackBrieflyCountsNoStallAsync(stalls, $"{stream}-held-again");
    }

    /// <summary>Once freed, a hold shorter than the warning period is not reported: the clock started again.</summary>
    private async Task HeldBackBrieflyCountsNoStallAsync(StallCounter stalls, string stream)
    {
        var stallsOnceFreed = stalls.Stalls;
        // Longer than the warning period since the last report: a clock that went on from the last hold would report this one.
        await Task.Delay(ReportingSoon.HeldBackWarning * 2);
        await using (var holder = await OpenTransaction.HoldCheckpointAsync(fixture.Schema, fixture.Projection.Name))
        {
            await Accounts.StartAsync(_store, stream, 2);
            await Task.Delay(TimeSpan.FromMilliseconds(150));
        }
        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
        Assert.Equal(stallsOnceFreed, stalls.Stalls);
    }

    // A zero wait would ask the database again at once for as long as the answer stayed the same; a warning sooner than a
    // lock wait would report a rebuild's ordinary swap as a session left open.
    [Fact]
    public void Waits_that_would_spin_or_report_too_soon_are_refused_when_the_daemon_is_created()
    {
        DaemonOptions[] refused =
        [
            new() { PollInterval = TimeSpan.Zero },
            new() { LeaderRetryInterval = TimeSpan.Zero },
            new() { InFlightRecheck = TimeSpan.Zero },
            new() { MaxAttempts = 0 },
            new() { RetryDelay = TimeSpan.FromMilliseconds(-1) },
            new() { HeldBackWarning = TimeSpan.FromSeconds(5) },
            new() { LockTimeout = TimeSpan.FromSeconds(2), HeldBackWarning = TimeSpan.FromSeconds(1) },
        ];
        Assert.All(refused, options => Assert.Throws<ArgumentOutOfRangeException>(() => _store.CreateDaemon(options)));
    }

    [Theory]
    [InlineData(30_000, 5_000)]
    [InlineData(28_000, 5_000)]
    [InlineData(60_000, 5_000)]
    [InlineData(1_000, 1_000)]
    [InlineData(1_000, 0)]
    public void Limits_the_server_cannot_keep_in_order_are_refused_when_the_daemon_is_created(int statementMilliseconds, int lockMilliseconds)
    {
        // The test connection keeps Npgsql's Command Timeout of 30 s: a statement limit must be at most 27 s, a lock limit below that.
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => _store.CreateDaemon(new DaemonOptions
        {
            StatementTimeout = TimeSpan.FromMilliseconds(statementMilliseconds),
            LockTimeout = TimeSpan.FromMilliseconds(lockMilliseconds),
        }));
        Assert.Contains("timeout", refused.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// A session with a transaction left open until it is disposed, which commits: given an id, no async reader reads past
/// it; holding a projection's checkpoint row, it stands where a rebuild's swap, a replay or a forgotten session would.
/// </summary>
public sealed class OpenTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private OpenTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public int ProcessId => _connection.ProcessID;

    /// <summary>A transaction given an id and nothing else.</summary>
    public static Task<OpenTransaction> StartAsync() => StartAsync("SELECT pg_current_xact_id()", parameter: null, _ => Task.CompletedTask);

    public static Task<OpenTransaction> HoldCheckpointAsync(string schema, string projection) => HoldCheckpointAsync(schema, projection, _ => Task.CompletedTask);

    /// <summary>Asks for the row, and calls <paramref name="whileAsking"/> with this session's process id before the row is granted.</summary>
    public static Task<OpenTransaction> HoldCheckpointAsync(string schema, string projection, Func<int, Task> whileAsking) =>
        StartAsync($"SELECT 1 FROM {schema}.projection_progress WHERE name = $1 FOR UPDATE", projection, whileAsking);

    private static async Task<OpenTransaction> StartAsync(string sql, string? parameter, Func<int, Task> whileRunning)
    {
        var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        try
        {
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                if (parameter is not null)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = parameter });
                }
                var running = command.ExecuteNonQueryAsync();
                await whileRunning(connection.ProcessID);
                await running;
            }
            return new OpenTransaction(connection, transaction);
        }
        // Left open, the transaction and its id would hold back every daemon of the test run.
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Until another session is seen waiting behind this one: the daemon has met the held row.</summary>
    public Task WaitUntilTheDaemonHasWaitedAsync() =>
        Eventually.HoldsAsync(() => Locks.AnyWaitsBehindAsync(_connection.ProcessID), TimeSpan.FromSeconds(20), "the daemon waits for the held checkpoint");

    public async ValueTask DisposeAsync()
    {
        await _transaction.CommitAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>
/// Tests that hold a transaction id open hold back every daemon of the cluster, and count on no other session doing so:
/// they run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HoldsTransactionIds
{
    public const string Name = "Tests that hold transaction ids open";
}

internal static class Locks
{
    /// <summary>That some session waits for a lock the given session holds.</summary>
    public static Task<bool> AnyWaitsBehindAsync(int processId) =>
        Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND $1 = ANY (pg_blocking_pids(pid)))", processId);
}

/// <summary>
/// An event log whose first batch holding one deposit fails, but only once another session waits to take the
/// checkpoint the moment that batch lets it go: the events are then applied one by one behind a held checkpoint.
/// </summary>
public sealed class FailsBeforeAHeldCheckpointProjection(string name) : TroubledEventLog(name)
{
    public const decimal TriggerAmount = 4444m;

    private int _failed;

    public TaskCompletionSource BatchFailing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource HolderWaits { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task MeetTroubleAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count > 1 && events.Any(e => e.Data is Deposited { Amount: TriggerAmount }) && Interlocked.Exchange(ref _failed, 1) == 0)
        {
            BatchFailing.SetResult();
            await HolderWaits.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            throw new InvalidOperationException("This batch fails once.");
        }
    }
}

public sealed class CheckpointHeldAfterAFailedBatchFixture() : OneProjectionFixture<FailsBeforeAHeldCheckpointProjection>(new("held_after_failure_log"));

[Collection(HoldsTransactionIds.Name)]
public sealed class CheckpointHeldAfterAFailedBatch(CheckpointHeldAfterAFailedBatchFixture fixture) : IClassFixture<CheckpointHeldAfterAFailedBatchFixture>
{
    // The event-by-event path took a lock wait on its checkpoint for an outage: it logged an error and counted a stall.
    [Fact]
    public async Task A_checkpoint_taken_between_a_failed_batch_and_its_events_one_by_one_is_waited_for_quietly()
    {
        var store = fixture.Store;
        var projection = fixture.Projection;
        using var stalls = new StallCounter(projection.Name);
        await using var daemon = store.CreateDaemon(new DaemonOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
            LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
            RetryDelay = TimeSpan.FromMilliseconds(10),
            LockTimeout = TimeSpan.FromMilliseconds(100),
        });
        await daemon.StartAsync();
        const string stream = "account-whose-checkpoint-is-taken-after-a-failure";
        await using (var session = store.OpenSession("tenant-a"))
        {
            session.StartStream(stream, "account", new Opened(stream), new Deposited(FailsBeforeAHeldCheckpointProjection.TriggerAmount), new Deposited(3));
            await session.SaveChangesAsync();
        }
        await projection.BatchFailing.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The holder waits on the row before the failing batch lets it go, so it holds the row's place in the queue
        // and is granted it before the daemon's first event-by-event lock, which then waits behind it.
        await using (var holder = await OpenTransaction.HoldCheckpointAsync(fixture.Schema, projection.Name, async holderId =>
        {
            await Eventually.HoldsAsync(async () => await Db.ScalarAsync<int>("SELECT cardinality(pg_blocking_pids($1))", holderId) > 0,
                TimeSpan.FromSeconds(20), "the holder waits behind the failing batch");
            projection.HolderWaits.SetResult();
        }))
        {
            await holder.WaitUntilTheDaemonHasWaitedAsync();
            // Three lock limits more: the daemon has given up on the row at least once.
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }

        await store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, await Db.CountAsync(fixture.Schema, projection.Name, $"stream_id = '{stream}'"));
        Assert.Empty(await store.GetDeadLettersAsync(projection.Name));
        Assert.Equal(0, stalls.Stalls);
    }
}

/// <summary>An event log whose first apply of one deposit lifts the server's limit and outwaits the client, once.</summary>
public sealed class HangingOnceProjection(string name) : TroubledEventLog(name)
{
    private int _hung;

    public const decimal HangAmount = 4343m;

    protected override async Task MeetTroubleAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        if (events.Any(e => e.Data is Deposited { Amount: HangAmount }) && Interlocked.Exchange(ref _hung, 1) == 0)
        {
            await using var hang = context.CreateCommand("SET LOCAL statement_timeout = 0; SELECT pg_sleep(3)");
            await hang.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

/// <summary>A store of one projection whose client gives up after 1 s, so statements that outlast it show within seconds.</summary>
public abstract class ImpatientClientStore(IProjection projection, Microsoft.Extensions.Logging.ILoggerFactory? logs = null) : IAsyncLifetime
{
    private StreamStore? _store;

    protected string Schema { get; } = TestDatabase.NewSchemaName();

    protected StreamStore Store => _store ?? throw new InvalidOperationException("The store is not initialised.");

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureReachableAsync();
        var options = new StoreOptions { ConnectionString = $"{TestDatabase.ConnectionString};Command Timeout=1", Schema = Schema };
        TestEventTypes.Register(options);
        options.AddAsyncProjection(projection);
        _store = StreamStore.Create(options, logs);
        await _store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        await TestDatabase.DropSchemaAsync(Schema);
    }
}

[Collection(HoldsTransactionIds.Name)]
public sealed class ABatchThatOutwaitsTheClient : ImpatientClientStore
{
    private readonly HangingOnceProjection _projection;
    private readonly ComplaintsLogger _logs;

    public ABatchThatOutwaitsTheClient() : this(new HangingOnceProjection("hanging_once_log"), new ComplaintsLogger())
    {
    }

    private ABatchThatOutwaitsTheClient(HangingOnceProjection projection, ComplaintsLogger logs) : base(projection, logs)
    {
        (_projection, _logs) = (projection, logs);
    }

    // With a statement limit of 800 ms, a lock limit of 5 s would be the longer, and the daemon refused to start.
    [Fact]
    public async Task A_daemon_takes_limits_that_fit_a_short_client_timeout_when_told_none()
    {
        await using var daemon = Store.CreateDaemon();
        await daemon.StartAsync();
        await daemon.StopAsync();
    }

    // Npgsql cancels the statement on the server when its timeout passes, so the session stays usable and the batch goes event by event on it.
    [Fact]
    public async Task A_batch_that_outwaits_the_client_is_logged_with_its_timeout_and_then_applied_event_by_event()
    {
        var store = Store;
        await using var daemon = store.CreateDaemon(new DaemonOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
            LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
            RetryDelay = TimeSpan.FromMilliseconds(10),
            StatementTimeout = TimeSpan.FromMilliseconds(500),
            LockTimeout = TimeSpan.FromMilliseconds(100),
        });
        await daemon.StartAsync();
        const string stream = "account-whose-batch-hangs";
        await using (var session = store.OpenSession("tenant-a"))
        {
            session.StartStream(stream, "account", new Opened(stream), new Deposited(HangingOnceProjection.HangAmount), new Deposited(3));
            await session.SaveChangesAsync();
        }

        await store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(20));

        Assert.Contains(_logs.Errors, error => error is NpgsqlException { InnerException: TimeoutException });
        Assert.Empty(await store.GetDeadLettersAsync(_projection.Name));
        Assert.Equal(3, await Db.CountAsync(Schema, _projection.Name, $"stream_id = '{stream}'"));
    }
}

[Collection(HoldsTransactionIds.Name)]
public sealed class ASlowEventInARebuild : ImpatientClientStore
{
    private readonly SlowOnDemandProjection _projection;

    public ASlowEventInARebuild() : this(new SlowOnDemandProjection("slow_rebuild_log"))
    {
    }

    private ASlowEventInARebuild(SlowOnDemandProjection projection) : base(projection) => _projection = projection;

    // At the client's timeout the slow event was taken for an outage, so every rebuild over it failed.
    [Fact]
    public async Task A_rebuild_sets_an_event_slower_than_a_statement_may_run_aside_and_swaps_in_the_rest()
    {
        const string stream = "account-with-a-slow-deposit-to-rebuild";
        await using (var session = Store.OpenSession("tenant-a"))
        {
            session.StartStream(stream, "account", new Opened(stream), new Deposited(1), new Deposited(SlowOnDemandProjection.SlowAmount), new Deposited(3));
            await session.SaveChangesAsync();
        }
        var progress = new RecordingProgress<RebuildProgress>();

        await Store.RebuildProjectionAsync(_projection.Name, progress);

        Assert.True(progress.Reports[^1].Swapped);
        Assert.Equal(1, progress.Reports[^1].DeadLettered);
        var letter = Assert.Single(await Store.GetDeadLettersAsync(_projection.Name));
        Assert.Equal(3, await Db.ScalarAsync<long>($"SELECT version FROM {Schema}.events WHERE seq = $1", letter.EventSequence));
        Assert.Contains("statement timeout", letter.Error, StringComparison.Ordinal);
        Assert.Equal(3, await Db.CountAsync(Schema, _projection.Name, $"stream_id = '{stream}'"));
    }
}
