using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class TwoDaemonsOnOneDatabaseFixture : StoreFixture
{
    public static void ConfigureStore(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new ApplyCountingProjection(new StreamTotalsProjection()));
    }

    /// <summary>What this store's own daemon applied, seen from inside the process rather than from its leadership flags.</summary>
    public static ApplyCountingProjection AppliedBy(StreamStore store) => store.Options.Projections.OfType<ApplyCountingProjection>().Single();

    protected override void Configure(StoreOptions options) => ConfigureStore(options);
}

public sealed class TwoDaemonsOnOneDatabase(TwoDaemonsOnOneDatabaseFixture fixture) : IClassFixture<TwoDaemonsOnOneDatabaseFixture>
{
    private const string Projection = "stream_totals";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly DaemonOptions FastFailover = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(100),
        LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
        BatchSize = 20,
    };

    [Fact]
    public async Task One_daemon_leads_the_other_takes_over_when_it_stops_and_the_read_model_matches_a_rebuild()
    {
        // Two processes, as far as PostgreSQL can tell: two stores, two pools, one schema.
        var storeA = fixture.Store;
        await using var storeB = await TestDatabase.CreateStoreAsync(fixture.Schema, TwoDaemonsOnOneDatabaseFixture.ConfigureStore);
        var daemonA = storeA.CreateDaemon(FastFailover);
        await using var daemonB = storeB.CreateDaemon(FastFailover);
        // The fixture's store is shared by this class's tests: only what it applies from here on counts.
        var appliedByABefore = TwoDaemonsOnOneDatabaseFixture.AppliedBy(storeA).Events;
        int AppliedSinceStart(StreamStore store) => TwoDaemonsOnOneDatabaseFixture.AppliedBy(store).Events - (ReferenceEquals(store, storeA) ? appliedByABefore : 0);
        await daemonA.StartAsync();
        await daemonB.StartAsync();

        using var stopAppending = new CancellationTokenSource();
        var writers = new[] { storeA, storeB };
        var appending = Task.Run(() => AppendUntilCancelledAsync(() => writers, stopAppending.Token));
        try
        {
            await Eventually.HoldsAsync(() => Leads(daemonA) || Leads(daemonB), Deadline, "one daemon leads");
            for (var sample = 0; sample < 25; sample++)
            {
                Assert.False(Leads(daemonA) && Leads(daemonB), "Both daemons lead the same projection.");
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }

            var (leader, follower, followerStore) = Leads(daemonA) ? (daemonA, daemonB, storeB) : (daemonB, daemonA, storeA);
            Assert.DoesNotContain(Projection, follower.Leading);
            var leaderStore = ReferenceEquals(followerStore, storeA) ? storeB : storeA;
            await Eventually.HoldsAsync(() => AppliedSinceStart(leaderStore) > 0, Deadline, "the leader applies events");
            // Whatever the flags say, the other process has applied nothing, not even a batch it then rolled back.
            Assert.Equal(0, AppliedSinceStart(followerStore));

            // The stopped daemon's store stays up but idle, as in a process that only turned its daemon off.
            writers = [followerStore];
            await leader.StopAsync();
            Assert.DoesNotContain(Projection, leader.Leading);
            await Eventually.HoldsAsync(() => Leads(follower), Deadline, "the other daemon takes over");
            var appliedByTheStoppedOne = AppliedSinceStart(leaderStore);

            // Only the survivor runs now, so a stream started after the stop is projected by it or not at all.
            await using (var session = followerStore.OpenSession("tenant-failover"))
            {
                session.StartStream("after-failover", "account", new Opened("late"), new Deposited(11m), new Deposited(31m));
                await session.SaveChangesAsync();
            }
            await followerStore.WaitForNonStaleProjectionsAsync(Deadline);
            Assert.True(AppliedSinceStart(followerStore) >= 3, "the survivor applied the new stream");
            Assert.Equal(appliedByTheStoppedOne, AppliedSinceStart(leaderStore));
            Assert.Equal(["3|3|42"], await Db.RowsAsync(
                $"SELECT events, last_version, total FROM {fixture.Schema}.{StreamTotalsProjection.TableName} WHERE tenant_id = $1 AND stream_id = $2",
                "tenant-failover", "after-failover"));

            await stopAppending.CancelAsync();
            var appended = await appending;
            Assert.True(appended > 20, $"Only {appended} appends were made while the daemons ran.");

            await followerStore.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(60));
            var projected = await Db.RowsAsync(StreamTotalsProjection.ActualSql(fixture.Schema));
            Assert.Equal(await Db.RowsAsync(StreamTotalsProjection.ExpectedSql(fixture.Schema)), projected);
            Assert.Empty(await followerStore.GetDeadLettersAsync());

            await followerStore.RebuildProjectionAsync(Projection);
            Assert.Equal(projected, await Db.RowsAsync(StreamTotalsProjection.ActualSql(fixture.Schema)));
        }
        finally
        {
            await stopAppending.CancelAsync();
            await daemonA.DisposeAsync();
        }
    }

    [Fact]
    public async Task When_the_leaders_database_session_dies_another_takes_over_and_nothing_is_lost_or_applied_twice()
    {
        var storeA = fixture.Store;
        await using var storeB = await TestDatabase.CreateStoreAsync(fixture.Schema, TwoDaemonsOnOneDatabaseFixture.ConfigureStore);
        await using var daemonA = storeA.CreateDaemon(FastFailover);
        await using var daemonB = storeB.CreateDaemon(FastFailover);
        await daemonA.StartAsync();
        await daemonB.StartAsync();
        using var stopAppending = new CancellationTokenSource();
        var appending = Task.Run(() => AppendUntilCancelledAsync(() => [storeA, storeB], stopAppending.Token));
        try
        {
            await Eventually.HoldsAsync(async () => await LeaderSessionAsync() is not null, Deadline, "a daemon holds the leadership lock");
            var dead = (await LeaderSessionAsync())!.Value;

            // What a crashed host, a network cut or a failover of the server does to the session that holds the lock.
            Assert.True(await Db.ScalarAsync<bool>("SELECT pg_terminate_backend($1)", dead));
            await Eventually.HoldsAsync(async () => await LeaderSessionAsync() is { } pid && pid != dead, Deadline, "a live session leads again");
            await Task.Delay(TimeSpan.FromMilliseconds(500));

            await stopAppending.CancelAsync();
            Assert.True(await appending > 20, "Too few appends were made while the daemons ran.");
            await storeA.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(await Db.RowsAsync(StreamTotalsProjection.ExpectedSql(fixture.Schema)), await Db.RowsAsync(StreamTotalsProjection.ActualSql(fixture.Schema)));
            Assert.Empty(await storeA.GetDeadLettersAsync());
        }
        finally
        {
            await stopAppending.CancelAsync();
        }
    }

    // A host's shutdown and a test's dispose can both stop a daemon: neither may return while its loops still run.
    [Fact]
    public async Task Every_stop_returns_only_once_the_daemon_has_let_go_and_a_stopped_daemon_does_not_start_again()
    {
        await using var daemon = fixture.Store.CreateDaemon(FastFailover);
        await daemon.StartAsync();
        await Eventually.HoldsAsync(async () => await LeaderSessionAsync() is not null, Deadline, "the daemon holds the leadership lock");

        var first = daemon.StopAsync();
        var second = daemon.StopAsync();
        await Task.WhenAny(first, second);

        Assert.Null(await LeaderSessionAsync());
        await Task.WhenAll(first, second);
        Assert.Empty(daemon.Leading);
        await Assert.ThrowsAsync<InvalidOperationException>(() => daemon.StartAsync());
    }

    /// <summary>The backend holding the projection's leadership lock, as PostgreSQL sees it, not as either daemon believes.</summary>
    private async Task<int?> LeaderSessionAsync()
    {
        var pids = await Db.RowsAsync("""
            SELECT pid::text FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 1
               AND classid::bigint = (hashtextextended($1, 0) >> 32) & 4294967295 AND objid::bigint = hashtextextended($1, 0) & 4294967295
            """, $"practice-projection:{fixture.Schema}.{Projection}");
        return pids.Count == 0 ? null : int.Parse(Assert.Single(pids), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool Leads(ProjectionDaemon daemon) => daemon.Leading.Contains(Projection);

    private static async Task<int> AppendUntilCancelledAsync(Func<StreamStore[]> writers, CancellationToken stop)
    {
        var random = new Random(7);
        var appended = 0;
        while (!stop.IsCancellationRequested)
        {
            var stores = writers();
            await using var session = stores[appended % stores.Length].OpenSession($"tenant-{random.Next(2)}");
            var streamId = $"account-{random.Next(10)}";
            if (await session.FetchStreamInfoAsync(streamId, CancellationToken.None) is null)
            {
                session.StartStream(streamId, "account", new Opened(streamId));
            }
            else
            {
                session.Append(streamId, "account", ExpectedVersion.Any, new Deposited(random.Next(1, 100)));
            }
            try
            {
                await session.SaveChangesAsync(CancellationToken.None);
                appended++;
            }
            catch (ConcurrencyException)
            {
                // Only StartStream can lose (another writer started the same stream): nothing to count.
            }
        }
        return appended;
    }
}
