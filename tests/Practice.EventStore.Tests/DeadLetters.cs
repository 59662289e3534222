using System.Text.Json.Nodes;
using Npgsql;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class PoisonedDepositException(decimal amount) : Exception($"The ledger cannot book a deposit of {amount}.");

/// <summary>Books deposits; while <see cref="Broken"/>, a deposit of <see cref="PoisonAmount"/> throws, like a projection bug.</summary>
public sealed class LedgerProjection : IProjection
{
    public const decimal PoisonAmount = 13m;
    private int _poisonAttempts;

    public volatile bool Broken = true;

    /// <summary>While set, each apply says it has started and waits to be let go: a rebuild caught half-way.</summary>
    public volatile Hold? Holding;

    public int PoisonAttempts => Volatile.Read(ref _poisonAttempts);
    public string Name => "ledger";
    public IReadOnlyList<ProjectionTable> Tables { get; } =
        [new("ledger", "CREATE TABLE IF NOT EXISTS {table} (seq bigint PRIMARY KEY, stream_id text NOT NULL, amount numeric NOT NULL)")];
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "money-deposited" };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        if (Holding is { } hold)
        {
            hold.Started.TrySetResult();
            await hold.Released.Task.WaitAsync(cancellationToken);
        }
        foreach (var stored in events)
        {
            var amount = ((Deposited)stored.Data).Amount;
            if (amount == PoisonAmount)
            {
                Interlocked.Increment(ref _poisonAttempts);
                if (Broken)
                {
                    throw new PoisonedDepositException(amount);
                }
            }
            await using var command = context.CreateCommand($"INSERT INTO {context.Table(Name)} (seq, stream_id, amount) VALUES ($1, $2, $3)");
            command.Parameters.Add(new NpgsqlParameter { Value = stored.Sequence });
            command.Parameters.Add(new NpgsqlParameter { Value = stored.StreamId });
            command.Parameters.Add(new NpgsqlParameter { Value = amount });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

public sealed class Hold
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class DeadLettersFixture : StoreFixture
{
    public LedgerProjection Ledger { get; } = new();

    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(Ledger);
    }
}

public sealed class DeadLetters(DeadLettersFixture fixture) : IClassFixture<DeadLettersFixture>
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_failing_event_is_retried_then_dead_lettered_while_later_events_flow_and_it_replays_once_fixed()
    {
        await using var daemon = _store.CreateDaemon(new DaemonOptions
        {
            MaxAttempts = MaxAttempts,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            PollInterval = TimeSpan.FromMilliseconds(50),
        });
        await daemon.StartAsync();

        var poison = new NewEvent(Guid.CreateVersion7(), new Deposited(LedgerProjection.PoisonAmount));
        await using var session = _store.OpenSession("tenant-a");
        session.Append("account-1", "account", ExpectedVersion.New,
            [new(Guid.CreateVersion7(), new Opened("Ada")), new(Guid.CreateVersion7(), new Deposited(5m)), poison, new(Guid.CreateVersion7(), new Deposited(7m))]);
        await session.SaveChangesAsync();
        await _store.WaitForNonStaleProjectionsAsync(Timeout);

        var letter = Assert.Single(await _store.GetDeadLettersAsync("ledger"));
        Assert.Equal((poison.Id, "tenant-a", "money-deposited", MaxAttempts), (letter.EventId, letter.TenantId, letter.EventType, letter.Attempts));
        Assert.Contains(nameof(PoisonedDepositException), letter.Error, StringComparison.Ordinal);
        Assert.Contains("cannot book a deposit of 13", letter.Error, StringComparison.Ordinal);
        Assert.True(fixture.Ledger.PoisonAttempts >= MaxAttempts, $"The poison event was tried {fixture.Ledger.PoisonAttempts} times.");
        Assert.Equal([5m, 7m], await AmountsAsync());

        session.Append("account-1", "account", 4, new Deposited(11m));
        await session.SaveChangesAsync();
        await _store.WaitForNonStaleProjectionsAsync(Timeout);
        Assert.Equal([5m, 7m, 11m], await AmountsAsync());
        var status = Assert.Single(await _store.GetProjectionStatusesAsync());
        Assert.Equal(("ledger", 0L, 1L), (status.Name, status.LagEvents, status.DeadLetters));
        Assert.Equal(1L, Assert.Single(await _store.GetProjectionStatusesAsync(deadLettersOfTenant: "tenant-a")).DeadLetters);
        Assert.Equal(0L, Assert.Single(await _store.GetProjectionStatusesAsync(deadLettersOfTenant: "tenant-b")).DeadLetters);

        // Still broken: the replay fails and the dead letter stays for later.
        await Assert.ThrowsAsync<PoisonedDepositException>(() => _store.ReplayDeadLetterAsync(letter.Id));
        Assert.Single(await _store.GetDeadLettersAsync("ledger"));
        Assert.Equal([5m, 7m, 11m], await AmountsAsync());

        fixture.Ledger.Broken = false;
        await _store.ReplayDeadLetterAsync(letter.Id);
        Assert.Empty(await _store.GetDeadLettersAsync("ledger"));
        Assert.Equal([5m, LedgerProjection.PoisonAmount, 7m, 11m], await AmountsAsync());
        Assert.Equal(0, Assert.Single(await _store.GetProjectionStatusesAsync()).DeadLetters);
    }

    private async Task<List<decimal>> AmountsAsync() =>
        (await Db.RowsAsync($"SELECT amount FROM {fixture.Schema}.ledger ORDER BY seq"))
            .Select(a => decimal.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}

public sealed class UndecodableEventsFixture : StoreFixture
{
    public LedgerProjection Ledger { get; } = new() { Broken = false };

    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(Ledger);
    }
}

public sealed class UndecodableEvents(UndecodableEventsFixture fixture) : IClassFixture<UndecodableEventsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task An_event_whose_json_no_longer_fits_its_type_is_dead_lettered_and_the_projection_keeps_going()
    {
        await using var daemon = _store.CreateDaemon(new DaemonOptions { MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10), PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-1", "account", new Deposited(5m));
        await session.SaveChangesAsync();
        // Written behind the store's back, as an old deployment with another shape of the event might have.
        await Db.ExecuteAsync($$"""
            INSERT INTO {{fixture.Schema}}.events (id, stream_id, version, tenant_id, type, data)
            VALUES ($1, 'account-1', 2, 'tenant-a', 'money-deposited', '{"amount": "a lot"}')
            """, Guid.CreateVersion7());
        await Db.ExecuteAsync($"UPDATE {fixture.Schema}.streams SET version = 2 WHERE id = 'account-1'");
        session.Append("account-1", "account", 2, new Deposited(7m));
        await session.SaveChangesAsync();

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));

        var letter = Assert.Single(await _store.GetDeadLettersAsync("ledger"));
        Assert.Contains(nameof(UndecodableEventException), letter.Error, StringComparison.Ordinal);
        Assert.Equal(["5", "7"], await Db.RowsAsync($"SELECT amount::int::text FROM {fixture.Schema}.ledger ORDER BY seq"));
        Assert.Contains("ledger", daemon.Leading);
    }
}

/// <summary>Books account names as unique keys, checked only at COMMIT (a deferred constraint), so a duplicate fails the commit itself.</summary>
public sealed class UniqueNamesProjection : IProjection
{
    public string Name => "unique_names";
    public IReadOnlyList<ProjectionTable> Tables { get; } =
        [new("unique_names", "CREATE TABLE IF NOT EXISTS {table} (name text NOT NULL UNIQUE DEFERRABLE INITIALLY DEFERRED, seq bigint NOT NULL)")];
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "account-opened" };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var stored in events)
        {
            await using var command = context.CreateCommand($"INSERT INTO {context.Table(Name)} (name, seq) VALUES ($1, $2)");
            command.Parameters.Add(new NpgsqlParameter { Value = ((Opened)stored.Data).Name });
            command.Parameters.Add(new NpgsqlParameter { Value = stored.Sequence });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

public sealed class FailingCommitsFixture : StoreFixture
{
    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new UniqueNamesProjection());
    }
}

public sealed class FailingCommits(FailingCommitsFixture fixture) : IClassFixture<FailingCommitsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task An_event_that_fails_only_at_commit_is_isolated_and_dead_lettered_and_the_rest_flow_on()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("first", "account", new Opened("Ada"));
        session.StartStream("duplicate", "account", new Opened("Ada"));
        session.StartStream("third", "account", new Opened("Grace"));
        await session.SaveChangesAsync();
        await using var daemon = _store.CreateDaemon(new DaemonOptions { MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10), PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));

        var letter = Assert.Single(await _store.GetDeadLettersAsync("unique_names"));
        Assert.Equal((await Db.RowsAsync($"SELECT id::text FROM {fixture.Schema}.events WHERE stream_id = 'duplicate'"))[0], letter.EventId.ToString());
        Assert.Equal(["Ada", "Grace"], await Db.RowsAsync($"SELECT name FROM {fixture.Schema}.unique_names ORDER BY seq"));
        Assert.Contains("unique_names", daemon.Leading);
    }
}

/// <summary>A ledger whose old "deposit" events are upcast by a transform that throws on a shape it never expected.</summary>
public sealed class FailingDecodersFixture : StoreFixture
{
    public LedgerProjection Ledger { get; } = new() { Broken = false };

    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.Events.Upcast("deposit", "money-deposited", old => new JsonObject { ["amount"] = old["value"]!.DeepClone() });
        options.AddAsyncProjection(Ledger);
    }
}

public sealed class FailingDecoders(FailingDecodersFixture fixture) : IClassFixture<FailingDecodersFixture>
{
    private readonly StreamStore _store = fixture.Store;

    /// <summary>Writes an event behind the store's back, as an old deployment or another writer might have, between two good ones.</summary>
    private async Task AppendBetweenGoodDepositsAsync(string streamId, string type, string data, string metadata)
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream(streamId, "account", new Deposited(5m));
        await session.SaveChangesAsync();
        await Db.ExecuteAsync($"INSERT INTO {fixture.Schema}.events (id, stream_id, version, tenant_id, type, data, metadata) VALUES ($1, $2, 2, 'tenant-a', $3, $4::jsonb, $5::jsonb)",
            Guid.CreateVersion7(), streamId, type, data, metadata);
        await Db.ExecuteAsync($"UPDATE {fixture.Schema}.streams SET version = 2 WHERE id = $1", streamId);
        session.Append(streamId, "account", 2, new Deposited(7m));
        await session.SaveChangesAsync();
    }

    [Fact]
    public async Task An_upcaster_that_throws_dead_letters_its_event_and_the_projection_and_the_feed_keep_going()
    {
        await using var daemon = _store.CreateDaemon(new DaemonOptions { MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10), PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();
        await AppendBetweenGoodDepositsAsync("account-upcast", "deposit", """{"amount": 3}""", "{}");

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));

        var letter = Assert.Single(await _store.GetDeadLettersAsync("ledger"), l => l.EventType == "deposit");
        Assert.Contains(nameof(NullReferenceException), letter.Error, StringComparison.Ordinal);
        Assert.Equal(["5", "7"], await Db.RowsAsync($"SELECT amount::int::text FROM {fixture.Schema}.ledger WHERE stream_id = 'account-upcast' ORDER BY seq"));
        var feed = await _store.ReadTenantFeedAsync("tenant-a", ProjectionPosition.Start, 100);
        Assert.Contains(feed.Events, e => e.StreamId == "account-upcast" && e.TypeName == "deposit");
    }

    [Fact]
    public async Task Metadata_that_does_not_read_dead_letters_its_event_instead_of_stopping_the_projection()
    {
        await using var daemon = _store.CreateDaemon(new DaemonOptions { MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10), PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();
        await AppendBetweenGoodDepositsAsync("account-metadata", "money-deposited", """{"amount": 3}""", """{"correlationId": 42}""");

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));

        var letter = Assert.Single(await _store.GetDeadLettersAsync("ledger"), l => l.Error.Contains("metadata", StringComparison.Ordinal));
        Assert.Equal("money-deposited", letter.EventType);
        Assert.Equal(["5", "7"], await Db.RowsAsync($"SELECT amount::int::text FROM {fixture.Schema}.ledger WHERE stream_id = 'account-metadata' ORDER BY seq"));
    }
}

// A class fixture is per test class, so these tests get a ledger and a schema of their own.
public sealed class DeadLettersInARebuild(DeadLettersFixture fixture) : IClassFixture<DeadLettersFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_rebuild_records_the_events_it_cannot_apply_as_dead_letters_and_swaps_in_the_rest()
    {
        fixture.Ledger.Broken = true;
        var poison = new NewEvent(Guid.CreateVersion7(), new Deposited(LedgerProjection.PoisonAmount));
        await using var session = _store.OpenSession("tenant-a");
        session.Append("account-rebuilt", "account", ExpectedVersion.New,
            [new(Guid.CreateVersion7(), new Deposited(2m)), poison, new(Guid.CreateVersion7(), new Deposited(3m))]);
        await session.SaveChangesAsync();
        var poisonIds = await DepositIdsAsync("= 13");

        var progress = new RecordingProgress<RebuildProgress>();
        await _store.RebuildProjectionAsync("ledger", progress);

        var letters = await _store.GetDeadLettersAsync("ledger");
        Assert.Contains(poison.Id, poisonIds);
        Assert.Equal(poisonIds, letters.Select(l => l.EventId).Order());
        Assert.All(letters, letter => Assert.Contains(nameof(PoisonedDepositException), letter.Error, StringComparison.Ordinal));
        Assert.Equal(poisonIds.Count, progress.Reports[^1].DeadLettered);
        Assert.Equal(await DepositsAsync("<> 13"), await AmountsAsync());

        // The dead letters are as good as the daemon's: once the projection is fixed they replay into the rebuilt table.
        fixture.Ledger.Broken = false;
        foreach (var letter in letters)
        {
            await _store.ReplayDeadLetterAsync(letter.Id);
        }
        Assert.Empty(await _store.GetDeadLettersAsync("ledger"));
        Assert.Equal(await DepositsAsync("IS NOT NULL"), await AmountsAsync());

        // A rebuild with nothing failing leaves no dead letters behind.
        await _store.RebuildProjectionAsync("ledger");
        Assert.Empty(await _store.GetDeadLettersAsync("ledger"));
        Assert.Equal(await DepositsAsync("IS NOT NULL"), await AmountsAsync());
    }

    [Fact]
    public async Task A_rebuild_swapped_in_while_the_daemon_waits_to_retry_a_failing_event_is_neither_repeated_nor_undone()
    {
        fixture.Ledger.Broken = true;
        var attemptsBefore = fixture.Ledger.PoisonAttempts;
        await using var daemon = _store.CreateDaemon(new DaemonOptions
        {
            MaxAttempts = 3,
            RetryDelay = TimeSpan.FromSeconds(3),
            PollInterval = TimeSpan.FromMilliseconds(50),
        });
        await daemon.StartAsync();
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream($"retried-{Guid.CreateVersion7()}", "account", new Deposited(6m), new Deposited(LedgerProjection.PoisonAmount), new Deposited(8m));
        await session.SaveChangesAsync();

        // The batch has failed and so has the poison event's first retry: the daemon now waits out its retry delay.
        await Eventually.HoldsAsync(() => fixture.Ledger.PoisonAttempts >= attemptsBefore + 2, Timeout, "the daemon retries the poison event");
        fixture.Ledger.Broken = false;
        await _store.RebuildProjectionAsync("ledger");

        // The daemon takes a later event only after it is done with the failed batch.
        session.StartStream($"after-retry-{Guid.CreateVersion7()}", "account", new Deposited(9m));
        await session.SaveChangesAsync();
        await _store.WaitForNonStaleProjectionsAsync(Timeout);

        Assert.Empty(await _store.GetDeadLettersAsync("ledger"));
        Assert.Equal(await DepositsAsync("IS NOT NULL"), await AmountsAsync());
    }

    [Fact]
    public async Task A_second_rebuild_of_a_projection_is_refused_while_the_first_runs_and_allowed_after()
    {
        fixture.Ledger.Broken = false;
        await using (var session = _store.OpenSession("tenant-a"))
        {
            session.StartStream("account-held", "account", new Deposited(1m));
            await session.SaveChangesAsync();
        }
        var hold = new Hold();
        fixture.Ledger.Holding = hold;
        Task first;
        try
        {
            first = _store.RebuildProjectionAsync("ledger");
            await hold.Started.Task.WaitAsync(Timeout);
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.RebuildProjectionAsync("ledger").WaitAsync(Timeout));
            Assert.Contains("already running", refused.Message, StringComparison.Ordinal);
            // Readiness reads this, so that a projection being rebuilt does not take every instance out of service.
            Assert.True(Assert.Single(await _store.GetProjectionStatusesAsync()).Rebuilding);
        }
        finally
        {
            fixture.Ledger.Holding = null;
            hold.Released.TrySetResult();
        }
        await first.WaitAsync(Timeout);
        Assert.False(Assert.Single(await _store.GetProjectionStatusesAsync()).Rebuilding);

        await _store.RebuildProjectionAsync("ledger");
        Assert.Equal(await DepositsAsync("IS NOT NULL"), await AmountsAsync());
    }

    [Fact]
    public async Task A_rebuild_that_cannot_apply_more_events_than_allowed_stops_and_leaves_everything_as_it_was()
    {
        fixture.Ledger.Broken = true;
        try
        {
            await using (var session = _store.OpenSession("tenant-a"))
            {
                session.StartStream($"too-broken-{Guid.CreateVersion7()}", "account",
                    new Deposited(LedgerProjection.PoisonAmount), new Deposited(LedgerProjection.PoisonAmount), new Deposited(4m));
                await session.SaveChangesAsync();
            }
            var letters = (await _store.GetDeadLettersAsync("ledger")).Select(l => l.Id).ToList();
            var ledger = await AmountsAsync();
            var options = new StoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = fixture.Schema, RebuildMaxFailures = 1 };
            TestEventTypes.Register(options);
            options.AddAsyncProjection(fixture.Ledger);
            await using var strict = StreamStore.Create(options);

            var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => strict.RebuildProjectionAsync("ledger"));

            Assert.Contains("more than 1 events could not be applied", stopped.Message, StringComparison.Ordinal);
            Assert.IsType<PoisonedDepositException>(stopped.InnerException);
            Assert.Equal(letters, (await _store.GetDeadLettersAsync("ledger")).Select(l => l.Id));
            Assert.Equal(ledger, await AmountsAsync());
        }
        finally
        {
            fixture.Ledger.Broken = false;
        }
    }

    [Fact]
    public async Task A_replay_and_a_rebuild_of_one_projection_wait_for_each_other_instead_of_deadlocking()
    {
        fixture.Ledger.Broken = true;
        await using (var session = _store.OpenSession("tenant-a"))
        {
            session.StartStream($"replayed-{Guid.CreateVersion7()}", "account", new Deposited(LedgerProjection.PoisonAmount));
            await session.SaveChangesAsync();
        }
        await _store.RebuildProjectionAsync("ledger");
        var letter = (await _store.GetDeadLettersAsync("ledger"))[^1];
        fixture.Ledger.Broken = false;

        // The replay stops inside the projection, holding what it has locked, while the rebuild runs up to its swap.
        var hold = new Hold();
        fixture.Ledger.Holding = hold;
        Task replay;
        Task rebuild;
        try
        {
            replay = _store.ReplayDeadLetterAsync(letter.Id);
            await hold.Started.Task.WaitAsync(Timeout);
            fixture.Ledger.Holding = null;
            rebuild = _store.RebuildProjectionAsync("ledger");
            await Eventually.HoldsAsync(async () => await Db.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", $"%{fixture.Schema}.%") > 0,
                Timeout, "the swap waits for the replay");
        }
        finally
        {
            fixture.Ledger.Holding = null;
            hold.Released.TrySetResult();
        }

        await replay.WaitAsync(Timeout);
        await rebuild.WaitAsync(Timeout);
        Assert.Empty(await _store.GetDeadLettersAsync("ledger"));
        Assert.Equal(await DepositsAsync("IS NOT NULL"), await AmountsAsync());
    }

    private async Task<List<Guid>> DepositIdsAsync(string amountCondition) =>
        (await Db.RowsAsync($"SELECT id::text FROM {fixture.Schema}.events WHERE type = 'money-deposited' AND (data->>'amount')::numeric {amountCondition}"))
            .Select(Guid.Parse).Order().ToList();

    private async Task<List<decimal>> DepositsAsync(string amountCondition) =>
        (await Db.RowsAsync($"SELECT data->>'amount' FROM {fixture.Schema}.events WHERE type = 'money-deposited' AND (data->>'amount')::numeric {amountCondition} ORDER BY seq"))
            .Select(a => decimal.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private async Task<List<decimal>> AmountsAsync() =>
        (await Db.RowsAsync($"SELECT amount FROM {fixture.Schema}.ledger ORDER BY seq"))
            .Select(a => decimal.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
