using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

/// <summary>
/// How a daemon learns of events it did not see appended in its own process: a NOTIFY from the writing
/// store, or, when none comes, its poll. Before each append the daemon is left listening and idle after
/// every batch so far, so no wake-up it already had (its first batch, the one it gives itself on
/// connecting, the previous round's) can be what projects the new events. Each test has a schema of its
/// own, so one that fails leaves no unprojected events for the next.
/// </summary>
public sealed class DaemonWakeUps : IAsyncLifetime
{
    // A projection name no other test uses: batch activities are told apart by it.
    private const string ProjectionName = "wakeup_log";
    private const string Tenant = "tenant-wakeup";
    private readonly string _schema = TestDatabase.NewSchemaName();
    private readonly ActivityListener _activities = new();
    private readonly ConcurrentQueue<bool> _batchesWithEvents = new();
    private StreamStore? _store;

    public DaemonWakeUps()
    {
        _activities.ShouldListenTo = source => source.Name == StoreInstrumentation.SourceName;
        _activities.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        _activities.ActivityStopped = activity =>
        {
            if (activity.OperationName == "projection batch" && (string?)activity.GetTagItem("practice.projection") == ProjectionName)
            {
                _batchesWithEvents.Enqueue(activity.GetTagItem("practice.events") is not null);
            }
        };
        ActivitySource.AddActivityListener(_activities);
    }

    private StreamStore Store => _store ?? throw new InvalidOperationException("The test is not initialised.");

    [Fact]
    public async Task Events_appended_through_another_store_instance_wake_the_daemon_by_notification_long_before_its_poll()
    {
        await using var writer = await TestDatabase.CreateStoreAsync(_schema, ConfigureStore);
        await using var daemon = await StartListeningDaemonAsync(TimeSpan.FromMinutes(5));

        var appended = new List<Guid>();
        for (var round = 0; round < 3; round++)
        {
            await WaitUntilIdleAfterAsync(round);
            await using var session = writer.OpenSession(Tenant);
            session.StartStream($"notified-{round}-{Guid.NewGuid():N}", "account", new Opened("Ada"), new Deposited(round));
            appended.AddRange(Assert.Single(await session.SaveChangesAsync()).Events.Select(e => e.Id));

            // Far shorter than the poll interval: only the notification can have woken the daemon in time.
            await Store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(appended, await ProjectedIdsAsync());
    }

    // A listener that gave up on its lost session would leave every commit of another process waiting for the poll.
    [Fact]
    public async Task A_listener_whose_session_is_ended_listens_again_and_notifications_wake_the_daemon_again()
    {
        var pollInterval = TimeSpan.FromSeconds(5);
        await using var writer = await TestDatabase.CreateStoreAsync(_schema, ConfigureStore);
        await using var daemon = await StartListeningDaemonAsync(pollInterval);
        await WaitUntilIdleAfterAsync(0);
        var listen = $"LISTEN \"{_schema}_events\"";
        var ended = await Db.ScalarAsync<int>("SELECT pid FROM pg_stat_activity WHERE query = $1", listen);
        Assert.True(await Db.ScalarAsync<bool>("SELECT pg_terminate_backend($1)", ended));

        // It listens again after one poll interval, and wakes its projections once it does.
        await Eventually.HoldsAsync(async () => await Db.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE query = $1 AND state = 'idle' AND pid <> $2", listen, ended) == 1,
            TimeSpan.FromSeconds(30), "the daemon listens again on a session of its own");
        await WaitUntilIdleAfterAsync(0);
        Guid[] appended;
        await using (var session = writer.OpenSession(Tenant))
        {
            session.StartStream($"notified-after-reconnecting-{Guid.NewGuid():N}", "account", new Opened("Ada"));
            appended = [.. Assert.Single(await session.SaveChangesAsync()).Events.Select(e => e.Id)];
        }

        // Well inside the poll interval, which began with the wake-up on listening again: only a notification is in time.
        await Store.WaitForNonStaleProjectionsAsync(pollInterval / 3);
        Assert.Equal(appended, await ProjectedIdsAsync());
    }

    [Fact]
    public async Task Events_committed_without_a_notification_are_projected_by_the_poll()
    {
        await using var daemon = await StartListeningDaemonAsync(TimeSpan.FromMilliseconds(200));

        var appended = new List<Guid>();
        for (var round = 0; round < 2; round++)
        {
            await WaitUntilIdleAfterAsync(round);
            appended.Add(await AppendWithoutNotifyingAsync($"unnotified-{round}-{Guid.NewGuid():N}"));
            await Store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(appended, await ProjectedIdsAsync());
    }

    [Fact]
    public async Task While_an_open_transaction_holds_events_back_the_daemon_rechecks_ever_less_often_and_takes_them_soon_after_it_ends()
    {
        await using var daemon = await StartListeningDaemonAsync(TimeSpan.FromMinutes(5));
        await WaitUntilIdleAfterAsync(0);
        await using var blocker = new NpgsqlConnection(TestDatabase.ConnectionString);
        await blocker.OpenAsync();
        await using var open = await blocker.BeginTransactionAsync();
        await using (var takeId = new NpgsqlCommand("SELECT pg_current_xact_id()", blocker, open))
        {
            await takeId.ExecuteScalarAsync();
        }

        await using (var session = Store.OpenSession(Tenant))
        {
            session.StartStream($"held-back-{Guid.NewGuid():N}", "account", new Opened("Ada"));
            await session.SaveChangesAsync();
        }
        var before = _batchesWithEvents.Count;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rechecks = _batchesWithEvents.Count - before;
        Assert.Empty(await ProjectedIdsAsync());
        // Every 5 ms without backing off is well over a hundred even on a slow machine; doubling up to 50 ms is about 40.
        Assert.InRange(rechecks, 1, 60);

        // Its end sends no notification: only a recheck, long before the poll, can find the event.
        await open.CommitAsync();
        await Store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(10));
        Assert.Single(await ProjectedIdsAsync());
    }

    [Fact]
    public async Task A_status_counts_lagging_events_up_to_the_limit_asked_for()
    {
        await using (var session = Store.OpenSession(Tenant))
        {
            session.StartStream($"unprojected-{Guid.NewGuid():N}", "account", new Opened("Ada"), new Deposited(1m), new Deposited(2m), new Deposited(3m), new Deposited(4m));
            await session.SaveChangesAsync();
        }

        Assert.Equal(5, Assert.Single(await Store.GetProjectionStatusesAsync()).LagEvents);
        Assert.Equal(2, Assert.Single(await Store.GetProjectionStatusesAsync(lagCountLimit: 2)).LagEvents);
    }

    [Fact]
    public async Task An_idle_daemon_polls_without_locking_its_checkpoint()
    {
        await using var daemon = await StartListeningDaemonAsync(TimeSpan.FromMilliseconds(20));
        await using (var session = Store.OpenSession(Tenant))
        {
            session.StartStream($"idle-{Guid.NewGuid():N}", "account", new Opened("Ada"));
            await session.SaveChangesAsync();
        }
        await WaitUntilIdleAfterAsync(1);

        // A row lock would give each poll a transaction id, which holds back every other reader while it lasts,
        // and would leave that id in the checkpoint row's xmax.
        var lockedBy = $"SELECT xmax::text FROM {_schema}.projection_progress WHERE name = '{ProjectionName}'";
        var before = await Db.ScalarAsync<string>(lockedBy);
        var polls = _batchesWithEvents.Count;
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(_batchesWithEvents.Count - polls >= 10, "The daemon did not poll.");
        Assert.Equal(before, await Db.ScalarAsync<string>(lockedBy));
    }

    /// <summary>Starts a daemon that records its batches, and waits until its LISTEN is in place.</summary>
    private async Task<ProjectionDaemon> StartListeningDaemonAsync(TimeSpan pollInterval)
    {
        var daemon = Store.CreateDaemon(new DaemonOptions { PollInterval = pollInterval });
        await daemon.StartAsync();
        await Eventually.HoldsAsync(
            async () => await Db.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE query = $1 AND state = 'idle'", $"LISTEN \"{_schema}_events\"") == 1,
            TimeSpan.FromSeconds(30), "the daemon listens for notifications");
        return daemon;
    }

    /// <summary>
    /// Batches run one after another, so once the last one recorded found nothing, after every batch that
    /// took events, the daemon waits for a wake-up it has not had yet.
    /// </summary>
    private Task WaitUntilIdleAfterAsync(int batchesWithEvents) => Eventually.HoldsAsync(() =>
        {
            var batches = _batchesWithEvents.ToArray();
            return batches.Length > 0 && !batches[^1] && batches.Count(b => b) == batchesWithEvents;
        },
        TimeSpan.FromSeconds(30), $"the daemon is idle after {batchesWithEvents} batches with events");

    /// <summary>The careful append function called directly: the events commit, but no store sends a NOTIFY or wakes a daemon.</summary>
    private async Task<Guid> AppendWithoutNotifyingAsync(string streamId)
    {
        var id = Guid.CreateVersion7();
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT new_version FROM {_schema}.append_events_v1($1, $2, $3, $4, $5, $6, $7, $8)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "account" });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ExpectedVersion.New });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [id] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ["account-opened"] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ["""{"name":"Raw"}"""], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "{}", NpgsqlDbType = NpgsqlDbType.Jsonb });
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        return id;
    }

    private async Task<List<Guid>> ProjectedIdsAsync()
    {
        var rows = await Db.RowsAsync($"SELECT event_id FROM {_schema}.{ProjectionName} ORDER BY applied");
        return [.. rows.Select(Guid.Parse)];
    }

    private static void ConfigureStore(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new EventLogProjection(ProjectionName));
    }

    public async Task InitializeAsync() => _store = await TestDatabase.CreateStoreAsync(_schema, ConfigureStore);

    public async Task DisposeAsync()
    {
        _activities.Dispose();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        await TestDatabase.DropSchemaAsync(_schema);
    }
}
