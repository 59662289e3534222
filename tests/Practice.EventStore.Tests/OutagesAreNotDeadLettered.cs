using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class OutagesAreNotDeadLetteredFixture : StoreFixture
{
    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new ApplyCountingProjection(new EventLogProjection(OutagesAreNotDeadLettered.Projection)));
    }
}

/// <summary>A failure that every event would meet is the database's, not an event's: the backlog waits for it to pass.</summary>
public sealed class OutagesAreNotDeadLettered(OutagesAreNotDeadLetteredFixture fixture) : IClassFixture<OutagesAreNotDeadLetteredFixture>
{
    public const string Projection = "outage_log";
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task While_the_read_model_table_is_missing_events_wait_and_none_is_dead_lettered()
    {
        await using var daemon = _store.CreateDaemon(new DaemonOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
            LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
            RetryDelay = TimeSpan.FromMilliseconds(10),
        });
        await daemon.StartAsync();
        await AppendAsync("before-outage", 3);
        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));

        await Db.ExecuteAsync($"ALTER TABLE {fixture.Schema}.{Projection} RENAME TO {Projection}_away");
        var tried = _store.Options.Projections.OfType<ApplyCountingProjection>().Single();
        var triedBefore = tried.Events;
        await AppendAsync("during-outage", 5);
        // The daemon has tried each event more often than a poison event is tried before it is dead-lettered.
        await Eventually.HoldsAsync(() => tried.Events - triedBefore > 5 * 4, TimeSpan.FromSeconds(30), "the daemon keeps trying through the outage");
        Assert.Empty(await _store.GetDeadLettersAsync(Projection));
        await Assert.ThrowsAsync<TimeoutException>(() => _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromMilliseconds(200)));

        await Db.ExecuteAsync($"ALTER TABLE {fixture.Schema}.{Projection}_away RENAME TO {Projection}");
        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(await _store.GetDeadLettersAsync(Projection));
        Assert.Equal(
            await Db.RowsAsync($"SELECT seq, id FROM {fixture.Schema}.events ORDER BY seq"),
            await Db.RowsAsync($"SELECT seq, event_id FROM {fixture.Schema}.{Projection} ORDER BY applied"));
    }

    private Task AppendAsync(string streamId, int events) => Accounts.StartAsync(_store, streamId, events);
}

/// <summary>An event log that, on demand, fails the way a poison event or a wrapped outage does.</summary>
public sealed class FailingOnDemandProjection(string name) : IProjection
{
    private readonly EventLogProjection _log = new(name);

    /// <summary>The deposit that fails with an object-state error on every try, as one event's own statement can.</summary>
    public const decimal PoisonAmount = 13m;

    /// <summary>While set, every event fails with the database's missing-table error wrapped in the projection's own.</summary>
    public volatile bool WrapsAnOutage;

    /// <summary>While set, every event's statement runs into a lock_timeout, as behind a migration holding the table.</summary>
    public volatile bool TimesOutOnALock;

    private int _failedTries;

    /// <summary>The times an apply failed on purpose: that the daemon kept trying, not that it never tried.</summary>
    public int FailedTries => Volatile.Read(ref _failedTries);

    public string Name => _log.Name;

    public IReadOnlyList<ProjectionTable> Tables => _log.Tables;

    public IReadOnlySet<string> EventTypes => _log.EventTypes;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        if (WrapsAnOutage || TimesOutOnALock)
        {
            Interlocked.Increment(ref _failedTries);
        }
        if (WrapsAnOutage)
        {
            throw new InvalidOperationException("The log could not be written.",
                new Npgsql.PostgresException("relation does not exist", "ERROR", "ERROR", Npgsql.PostgresErrorCodes.UndefinedTable));
        }
        if (TimesOutOnALock)
        {
            await using var locked = context.CreateCommand("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '55P03', MESSAGE = 'canceling statement due to lock timeout'; END $$");
            await locked.ExecuteNonQueryAsync(cancellationToken);
        }
        if (events.Any(e => e.Data is Deposited { Amount: PoisonAmount }))
        {
            await using var poison = context.CreateCommand("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'not in prerequisite state'; END $$");
            await poison.ExecuteNonQueryAsync(cancellationToken);
        }
        await _log.ApplyAsync(context, events, cancellationToken);
    }
}

public sealed class FailuresTheDaemonTellsApartFixture : StoreFixture
{
    public FailingOnDemandProjection Projection { get; } = new("told_apart_log");

    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(Projection);
    }
}

public sealed class FailuresTheDaemonTellsApart(FailuresTheDaemonTellsApartFixture fixture) : IClassFixture<FailuresTheDaemonTellsApartFixture>
{
    private static readonly DaemonOptions Fast = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(50),
        LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(10),
    };

    private readonly StreamStore _store = fixture.Store;

    // 55000 is "transient" to Npgsql, but this statement raises it on every try: taken for an outage, it stalled the projection.
    [Fact]
    public async Task An_event_whose_own_statement_always_fails_is_dead_lettered_and_the_rest_flow_on()
    {
        await using var daemon = _store.CreateDaemon(Fast);
        await daemon.StartAsync();
        await Accounts.StartAsync(_store, "account-with-a-poison-deposit", 16);

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));

        var letter = Assert.Single(await _store.GetDeadLettersAsync(fixture.Projection.Name));
        Assert.Equal(14, await Db.ScalarAsync<long>($"SELECT version FROM {fixture.Schema}.events WHERE seq = $1", letter.EventSequence));
        Assert.Equal(15, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, "stream_id = 'account-with-a-poison-deposit'"));
    }

    // A projection is free to wrap what the database told it, and a lock_timeout behind a migration fails every
    // event alike: none is dead-lettered.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_wrapped_outage_or_a_lock_timeout_holds_the_backlog_back_instead_of_dead_lettering_it(bool wrapped)
    {
        await using var daemon = _store.CreateDaemon(Fast);
        await daemon.StartAsync();
        var lettersBefore = (await _store.GetDeadLettersAsync(fixture.Projection.Name)).Count;
        var stream = $"account-during-an-outage-{wrapped}";
        var triedBefore = fixture.Projection.FailedTries;
        (wrapped ? ref fixture.Projection.WrapsAnOutage : ref fixture.Projection.TimesOutOnALock) = true;
        try
        {
            await Accounts.StartAsync(_store, stream, 4);
            // More tries than a poison event gets before it is dead-lettered.
            await Eventually.HoldsAsync(() => fixture.Projection.FailedTries - triedBefore > 4 * 4, TimeSpan.FromSeconds(30), "the daemon keeps trying through the outage");
            Assert.Equal(lettersBefore, (await _store.GetDeadLettersAsync(fixture.Projection.Name)).Count);
        }
        finally
        {
            (fixture.Projection.WrapsAnOutage, fixture.Projection.TimesOutOnALock) = (false, false);
        }

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4, await Db.CountAsync(fixture.Schema, fixture.Projection.Name, $"stream_id = '{stream}'"));
        Assert.Equal(lettersBefore, (await _store.GetDeadLettersAsync(fixture.Projection.Name)).Count);
    }
}
