using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class RebuildingAProjectionFixture : StoreFixture
{
    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new EventLogProjection(RebuildingAProjection.Projection));
    }
}

public sealed class RebuildingAProjection(RebuildingAProjectionFixture fixture) : IClassFixture<RebuildingAProjectionFixture>
{
    public const string Projection = "rebuilt_log";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_rebuild_reproduces_the_table_reports_progress_and_the_daemon_carries_on_without_loss_or_repeats()
    {
        await using var daemon = _store.CreateDaemon(new DaemonOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();
        // More events than one rebuild batch (5,000), so progress is reported along the way.
        for (var stream = 0; stream < 60; stream++)
        {
            await AppendAsync($"account-{stream}", 100);
        }
        await _store.WaitForNonStaleProjectionsAsync(Timeout);
        var before = await LogAsync();
        var events = await Db.CountAsync(fixture.Schema, "events");
        Assert.Equal(events, before.Count);
        await DamageLiveTableAsync();

        var progress = new RecordingProgress<RebuildProgress>();
        await _store.RebuildProjectionAsync(Projection, progress);

        Assert.Equal(before, await LogAsync());
        var reports = progress.Reports;
        Assert.True(reports.Count >= 2, $"Only {reports.Count} progress reports.");
        Assert.True(reports[^1].Swapped);
        Assert.Equal((events, events), (reports[^1].Processed, reports[^1].Total));
        Assert.All(reports.SkipLast(1), report => Assert.False(report.Swapped));
        Assert.Equal(reports.Select(r => r.Processed).Order(), reports.Select(r => r.Processed));
        Assert.True(reports[^1].EventsPerSecond > 0);
        Assert.Equal([$"{Projection}_by_seq"], await Db.RowsAsync(
            "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2", fixture.Schema, Projection));
        Assert.Equal(0, await Db.ScalarAsync<long>(
            "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename <> $2 AND tablename LIKE $3", fixture.Schema, Projection, $"{Projection}%"));

        for (var stream = 0; stream < 10; stream++)
        {
            await AppendAsync($"account-after-{stream}", 3);
        }
        await _store.WaitForNonStaleProjectionsAsync(Timeout);
        await AssertLogHoldsEveryEventOnceAsync();
    }

    [Fact]
    public async Task A_rebuild_during_appends_with_the_daemon_running_loses_and_repeats_nothing()
    {
        await using var daemon = _store.CreateDaemon(new DaemonOptions { PollInterval = TimeSpan.FromMilliseconds(50), BatchSize = 50 });
        await daemon.StartAsync();
        await AppendAsync("busy-seed", 500);
        await _store.WaitForNonStaleProjectionsAsync(Timeout);
        await DamageLiveTableAsync();

        using var stop = new CancellationTokenSource();
        var appending = Task.Run(async () =>
        {
            var appends = 0;
            while (!stop.IsCancellationRequested)
            {
                await AppendAsync($"busy-{appends++ % 7}-{Guid.NewGuid():N}", 2);
            }
            return appends;
        });
        // Twice: the second rebuild runs into the leftovers of the first swap (renamed table, its sequence).
        await _store.RebuildProjectionAsync(Projection);
        await _store.RebuildProjectionAsync(Projection);
        await stop.CancelAsync();
        Assert.True(await appending > 0);

        await _store.WaitForNonStaleProjectionsAsync(Timeout);
        await AssertLogHoldsEveryEventOnceAsync();
        // The swapped-in table's identity sequence carries the live name, so rebuilds do not pile up renamed leftovers.
        Assert.Equal(
            [$"{fixture.Schema}.{Projection}_applied_seq"],
            await Db.RowsAsync($"SELECT pg_get_serial_sequence('{fixture.Schema}.{Projection}', 'applied') UNION ALL SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = $1 AND c.relname LIKE '%rebuild%'", fixture.Schema));
    }

    // The first phase replays what was committed when the rebuild began; what comes after is the swap's to read.
    // Ended only by a batch that came back empty, it chased busy writers for as long as they wrote.
    [Fact]
    public async Task A_rebuild_finishes_while_busy_writers_go_on_appending()
    {
        await AppendAsync("steady-seed", 500);
        var writersGaveUp = TimeSpan.FromSeconds(30);
        using var rebuilt = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow + writersGaveUp;
            var appends = 0;
            while (!rebuilt.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
                await AppendAsync($"steady-{writer}-{appends++}", 1);
            }
            return rebuilt.IsCancellationRequested;
        })).ToList();

        await _store.RebuildProjectionAsync(Projection);
        await rebuilt.CancelAsync();

        Assert.All(await Task.WhenAll(writers), stillWriting => Assert.True(stillWriting, "the rebuild finished only once the writers stopped"));
        await using var daemon = _store.CreateDaemon(new DaemonOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();
        await _store.WaitForNonStaleProjectionsAsync(Timeout);
        await AssertLogHoldsEveryEventOnceAsync();
    }

    [Fact]
    public async Task A_swap_that_a_long_reader_of_the_live_table_would_hold_up_fails_soon_without_holding_back_other_readers()
    {
        await using var daemon = _store.CreateDaemon(new DaemonOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();
        await AppendAsync("before-report", 3);
        await _store.WaitForNonStaleProjectionsAsync(Timeout);
        await using var report = new Npgsql.NpgsqlConnection(TestDatabase.ConnectionString);
        await report.OpenAsync();
        await using var reading = await report.BeginTransactionAsync();
        await using (var read = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {fixture.Schema}.{Projection}", report, reading))
        {
            await read.ExecuteScalarAsync();
        }

        // Without a limit the swap would wait for the report, its transaction id holding back every async reader meanwhile.
        var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.RebuildProjectionAsync(Projection).WaitAsync(Timeout));
        Assert.Contains("could not swap in its tables", stopped.Message, StringComparison.Ordinal);
        await reading.RollbackAsync();

        await AppendAsync("after-report", 2);
        await _store.WaitForNonStaleProjectionsAsync(Timeout);
        await AssertLogHoldsEveryEventOnceAsync();
    }

    /// <summary>Behind the daemon's checkpoint, so only a swapped-in rebuild puts the table right.</summary>
    private Task DamageLiveTableAsync() => EventLogProjection.DamageAsync(fixture.Schema, Projection);

    private Task AppendAsync(string streamId, int events) => Accounts.StartAsync(_store, streamId, events);

    private Task<List<string>> LogAsync() =>
        Db.RowsAsync($"SELECT seq, event_id, tx, stream_id, version, type FROM {fixture.Schema}.{Projection} ORDER BY seq, applied");

    private async Task AssertLogHoldsEveryEventOnceAsync() =>
        Assert.Equal(
            await Db.RowsAsync($"SELECT seq, id, tx, stream_id, version, type FROM {fixture.Schema}.events ORDER BY seq"),
            await LogAsync());
}
