using Npgsql;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

/// <summary>Writes, for each event, which version of its code wrote the row; version 2 also adds a column.</summary>
internal sealed class VersionedLogProjection(int version) : IProjection
{
    public const string ProjectionName = "versioned_log";

    public string Name => ProjectionName;

    public int Version => version;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(ProjectionName, version == 1
            ? "CREATE TABLE IF NOT EXISTS {table} (event_id uuid PRIMARY KEY, written_by int NOT NULL)"
            : "CREATE TABLE IF NOT EXISTS {table} (event_id uuid PRIMARY KEY, written_by int NOT NULL, stream_id text NOT NULL)"),
    ];

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>();

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand(version == 1
            ? $"INSERT INTO {context.Table(ProjectionName)} (event_id, written_by) SELECT unnest($1::uuid[]), $2"
            : $"INSERT INTO {context.Table(ProjectionName)} (event_id, written_by, stream_id) SELECT unnest($1::uuid[]), $2, unnest($3::text[])");
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        if (version > 1)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.StreamId).ToArray() });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A version 2 whose code cannot apply any event: each rebuild for it fails.</summary>
internal sealed class BrokenNewVersionProjection : IProjection
{
    private int _applies;

    public int Applies => Volatile.Read(ref _applies);

    public string Name => VersionedLogProjection.ProjectionName;

    public int Version => 2;

    public IReadOnlyList<ProjectionTable> Tables { get; } = new VersionedLogProjection(2).Tables;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>();

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _applies);
        throw new InvalidCastException("Version 2 cannot read these events.");
    }
}

public sealed class ProjectionVersions : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DaemonOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(50), LeaderRetryInterval = TimeSpan.FromMilliseconds(100) };
    private readonly string _schema = TestDatabase.NewSchemaName("versions");

    public Task InitializeAsync() => TestDatabase.EnsureReachableAsync();

    public Task DisposeAsync() => TestDatabase.DropSchemaAsync(_schema);

    private Task<StreamStore> StoreRunningAsync(int version) => TestDatabase.CreateStoreAsync(_schema, options =>
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new VersionedLogProjection(version));
    });

    [Fact]
    public async Task A_rebuild_for_a_new_version_that_fails_is_tried_again_after_a_wait_and_the_old_read_model_stays()
    {
        await using var oldCode = await StoreRunningAsync(1);
        await ProjectBeforeTheUpgradeAsync(oldCode, 3);
        var broken = new BrokenNewVersionProjection();
        var options = new StoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = _schema, RebuildMaxFailures = 0 };
        TestEventTypes.Register(options);
        options.AddAsyncProjection(broken);
        await using var newCode = StreamStore.Create(options);
        await newCode.MigrateAsync();

        await using (var daemon = newCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await Eventually.HoldsAsync(() => broken.Applies > 0, Timeout, "the new version's rebuild has run");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var firstRebuild = broken.Applies;
            // The first retry waits 5 s, not the 100 ms of a leader's retry; but it comes.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(firstRebuild, broken.Applies);
            await Eventually.HoldsAsync(() => broken.Applies > firstRebuild, Timeout, "the failed rebuild is tried again");
        }
        Assert.Equal(["1|3"], await WrittenByAsync());
        Assert.Equal(1, await Db.ScalarAsync<int>($"SELECT version FROM {_schema}.projection_progress WHERE name = $1", VersionedLogProjection.ProjectionName));
    }

    [Fact]
    public async Task A_dead_letter_is_replayed_only_by_the_code_version_that_wrote_the_read_model()
    {
        await using var oldCode = await StoreRunningAsync(1);
        await Accounts.StartAsync(oldCode, "dead-before-the-upgrade", 1);
        var letter = await Db.ScalarAsync<long>($"""
            INSERT INTO {_schema}.dead_letters (projection, event_seq, event_id, tenant_id, event_type, error, attempts)
            SELECT $1, seq, id, tenant_id, type, 'failed under version 1', 3 FROM {_schema}.events WHERE stream_id = 'dead-before-the-upgrade'
            RETURNING id
            """, VersionedLogProjection.ProjectionName);

        // Migrated but not yet rebuilt: the live table still has version 1's shape.
        await using var newCode = await StoreRunningAsync(2);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => newCode.ReplayDeadLetterAsync(letter));

        Assert.Contains("version 1", refused.Message, StringComparison.Ordinal);
        Assert.Single(await newCode.GetDeadLettersAsync());
        await oldCode.ReplayDeadLetterAsync(letter);
        Assert.Equal(["1|1"], await WrittenByAsync());
        Assert.Empty(await newCode.GetDeadLettersAsync());
    }

    private Task<List<string>> CheckpointAsync() =>
        Db.RowsAsync($"SELECT last_tx, last_seq FROM {_schema}.projection_progress WHERE name = $1", VersionedLogProjection.ProjectionName);

    /// <summary>Events appended and projected by version 1, as a database holds them when new code first starts.</summary>
    private static async Task ProjectBeforeTheUpgradeAsync(StreamStore oldCode, int events)
    {
        await using var daemon = oldCode.CreateDaemon(Fast);
        await daemon.StartAsync();
        await Accounts.StartAsync(oldCode, "before-the-upgrade", events);
        await oldCode.WaitForNonStaleProjectionsAsync(Timeout);
    }

    private Task<List<string>> WrittenByAsync() =>
        Db.RowsAsync($"SELECT written_by, count(*) FROM {_schema}.{VersionedLogProjection.ProjectionName} GROUP BY written_by ORDER BY written_by");

    private Task<StreamStore> StoreWithInlineAsync(int version) => TestDatabase.CreateStoreAsync(_schema, options =>
    {
        TestEventTypes.Register(options);
        options.AddInlineProjection(new VersionedLogProjection(version));
    });

    // An inline projection's table is written by every append, so its new shape must come in before appends rely on it.
    [Fact]
    public async Task Newer_code_rebuilds_an_inline_read_model_and_its_appends_write_the_new_shape()
    {
        await using (var oldCode = await StoreWithInlineAsync(1))
        {
            await Accounts.StartAsync(oldCode, "before-the-upgrade", 3);
        }
        Assert.Equal(["1|3"], await WrittenByAsync());

        await using var newCode = await StoreWithInlineAsync(2);
        await using (var daemon = newCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await Eventually.HoldsAsync(async () => await Db.ScalarAsync<int>($"SELECT version FROM {_schema}.projection_progress WHERE name = $1", VersionedLogProjection.ProjectionName) == 2,
                Timeout, "the inline projection is rebuilt at version 2");
        }
        await Accounts.StartAsync(newCode, "after-the-upgrade", 2);

        Assert.Equal(["2|5"], await WrittenByAsync());
        Assert.Equal(0, await Db.ScalarAsync<long>($"SELECT count(*) FROM {_schema}.{VersionedLogProjection.ProjectionName} WHERE stream_id IS NULL"));
    }

    // Instances of one deploy start together; each sees the old version, but the read model must be rebuilt once.
    [Fact]
    public async Task Two_new_processes_starting_together_rebuild_an_inline_read_model_once_and_complain_of_nothing()
    {
        await using (var oldCode = await StoreWithInlineAsync(1))
        {
            await Accounts.StartAsync(oldCode, "before-the-upgrade", 300);
        }
        // The first rebuild is held until the other process, which has read the old version too, waits for its lock.
        var shared = new ApplyCountingProjection(new VersionedLogProjection(2))
        {
            HoldFirstRebuild = () => Eventually.HoldsAsync(async () => await Db.ScalarAsync<long>("""
                SELECT count(*) FROM pg_locks
                 WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)
                """, $"practice-rebuild:{_schema}.{VersionedLogProjection.ProjectionName}") > 0,
                TimeSpan.FromSeconds(10), "the other process waits for the rebuild lock"),
        };
        using var logs = new ComplaintsLogger();
        StreamStore NewProcess()
        {
            var options = new StoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = _schema };
            TestEventTypes.Register(options);
            options.AddInlineProjection(shared);
            return StreamStore.Create(options, logs);
        }
        await using var first = NewProcess();
        await using var second = NewProcess();
        await first.MigrateAsync();

        await using (var firstDaemon = first.CreateDaemon(Fast))
        await using (var secondDaemon = second.CreateDaemon(Fast))
        {
            await Task.WhenAll(firstDaemon.StartAsync(), secondDaemon.StartAsync());
            await Eventually.HoldsAsync(async () => await Db.ScalarAsync<int>($"SELECT version FROM {_schema}.projection_progress WHERE name = $1", VersionedLogProjection.ProjectionName) == 2,
                Timeout, "the inline projection is rebuilt at version 2");
            // Long enough for a second rebuild, had the other process started one once the first had swapped.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(300, shared.EventsRebuilt);
        Assert.Empty(logs.Complaints);
        Assert.Equal(["2|300"], await WrittenByAsync());
    }

    // An inline projection is written by appends alone, so the events stored before it was added reach it only by a rebuild.
    [Fact]
    public async Task An_inline_projection_added_to_a_store_that_holds_events_is_given_their_history()
    {
        await using (var before = await TestDatabase.CreateStoreAsync(_schema, TestEventTypes.Register))
        {
            await Accounts.StartAsync(before, "before-the-projection", 3);
        }

        await using var withProjection = await StoreWithInlineAsync(1);
        await Accounts.StartAsync(withProjection, "with-the-projection", 2);
        await using (var daemon = withProjection.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await Eventually.HoldsAsync(async () => await Db.ScalarAsync<int>($"SELECT version FROM {_schema}.projection_progress WHERE name = $1", VersionedLogProjection.ProjectionName) == 1,
                Timeout, "the new inline projection is rebuilt from the stored events");
        }

        Assert.Equal(["1|5"], await WrittenByAsync());
    }

    [Fact]
    public async Task Newer_code_rebuilds_the_read_model_before_going_on_and_older_code_leaves_it_alone()
    {
        await using var oldCode = await StoreRunningAsync(1);
        await ProjectBeforeTheUpgradeAsync(oldCode, 5);
        Assert.Equal(["1|5"], await WrittenByAsync());

        // The new code's tables have a column the live table lacks: only a rebuild gives it one.
        await using var newCode = await StoreRunningAsync(2);
        await Accounts.StartAsync(newCode, "during-the-upgrade", 3);
        await using (var daemon = newCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await newCode.WaitForNonStaleProjectionsAsync(Timeout);
        }
        Assert.Equal(["2|8"], await WrittenByAsync());
        Assert.Equal(0, await Db.ScalarAsync<long>($"SELECT count(*) FROM {_schema}.{VersionedLogProjection.ProjectionName} WHERE stream_id IS NULL"));
        Assert.Equal(2, await Db.ScalarAsync<int>($"SELECT version FROM {_schema}.projection_progress WHERE name = $1", VersionedLogProjection.ProjectionName));

        // An old process still running in a rolling deploy writes nothing into the new tables, and neither does its rebuild.
        var checkpoint = await CheckpointAsync();
        await using (var daemon = oldCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await Eventually.HoldsAsync(() => daemon.StandingBy.Contains(VersionedLogProjection.ProjectionName), Timeout, "the old daemon stands by");
            await Accounts.StartAsync(oldCode, "after-the-upgrade", 2);
            // Several of its rechecks (every 100 ms) pass; had it applied the events, the new table's NOT NULL column
            // would have dead-lettered them and moved the checkpoint.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.Contains(VersionedLogProjection.ProjectionName, daemon.StandingBy);
        }
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => oldCode.RebuildProjectionAsync(VersionedLogProjection.ProjectionName));
        Assert.Contains("newer", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["2|8"], await WrittenByAsync());
        Assert.Equal(checkpoint, await CheckpointAsync());
        Assert.Empty(await newCode.GetDeadLettersAsync());
        Assert.Equal(2, await Db.ScalarAsync<int>($"SELECT version FROM {_schema}.projection_progress WHERE name = $1", VersionedLogProjection.ProjectionName));

        await using (var daemon = newCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await newCode.WaitForNonStaleProjectionsAsync(Timeout);
        }
        Assert.Equal(["2|10"], await WrittenByAsync());
    }
}

/// <summary>Keeps what is logged at warning level or above, to show that a normal start complains of nothing.</summary>
public sealed class ComplaintsLogger : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _complaints = new();

    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _errors = new();

    public IReadOnlyCollection<string> Complaints => _complaints;

    /// <summary>The exceptions logged with the complaints, as the logger was given them.</summary>
    public IReadOnlyCollection<Exception> Errors => _errors;

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider) => throw new NotSupportedException();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _complaints.Enqueue(formatter(state, exception));
            if (exception is not null)
            {
                _errors.Enqueue(exception);
            }
        }
    }

    public void Dispose()
    {
    }
}
