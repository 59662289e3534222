using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class RebuildingAnInlineProjectionFixture : StoreFixture
{
    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddInlineProjection(new EventLogProjection(RebuildingAnInlineProjection.Projection));
    }
}

/// <summary>An inline projection is written by the appends; its rebuild must neither lose nor repeat what they write meanwhile.</summary>
public sealed class RebuildingAnInlineProjection(RebuildingAnInlineProjectionFixture fixture) : IClassFixture<RebuildingAnInlineProjectionFixture>
{
    public const string Projection = "inline_log";
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task Inline_projections_see_each_event_with_its_stored_transaction_and_timestamp()
    {
        AppendResult lone;
        await using (var session = _store.OpenSession("tenant-a"))
        {
            session.StartStream("stamped-lone", "account", new Opened("Ada"), new Deposited(1m));
            lone = Assert.Single(await session.SaveChangesAsync());
        }
        await using (var session = _store.OpenSession("tenant-a"))
        {
            session.StartStream("stamped-first", "account", new Opened("Bo"));
            session.StartStream("stamped-second", "account", new Opened("Cy"));
            await session.SaveChangesAsync();
        }

        foreach (var appended in lone.Events)
        {
            var where = $"stream_id = 'stamped-lone' AND version = {appended.Version}";
            Assert.Equal(await Db.ScalarAsync<string>($"SELECT tx::text FROM {fixture.Schema}.events WHERE {where}"),
                appended.TransactionId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(await Db.ScalarAsync<DateTime>($"SELECT created_at FROM {fixture.Schema}.events WHERE {where}"),
                appended.Timestamp.UtcDateTime);
        }
        await AssertLogHoldsEveryEventOnceAsync();
    }

    [Fact]
    public async Task A_rebuild_during_appends_loses_and_repeats_nothing()
    {
        await AppendAsync("inline-seed", 300);
        await EventLogProjection.DamageAsync(fixture.Schema, Projection);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            var appends = 0;
            while (!stop.IsCancellationRequested)
            {
                await AppendAsync($"inline-{writer}-{appends++}", 2);
            }
            return appends;
        })).ToList();

        // Twice, so the second swap meets the tables and names the first one left.
        await _store.RebuildProjectionAsync(Projection);
        await _store.RebuildProjectionAsync(Projection);
        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(writers), appends => Assert.True(appends > 0));

        await AssertLogHoldsEveryEventOnceAsync();
    }

    [Fact]
    public async Task A_swap_that_a_long_reader_of_the_live_table_would_hold_up_fails_soon_and_changes_nothing()
    {
        await AppendAsync("inline-before-report", 3);
        await using var report = new Npgsql.NpgsqlConnection(TestDatabase.ConnectionString);
        await report.OpenAsync();
        await using var reading = await report.BeginTransactionAsync();
        await using (var read = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {fixture.Schema}.{Projection}", report, reading))
        {
            await read.ExecuteScalarAsync();
        }

        var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.RebuildProjectionAsync(Projection).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("could not swap in its tables", stopped.Message, StringComparison.Ordinal);
        await reading.RollbackAsync();

        // Appends held back by the swap went on once it gave up, and the live table kept up with them.
        await AppendAsync("inline-after-report", 2);
        await AssertLogHoldsEveryEventOnceAsync();
    }

    private Task AppendAsync(string streamId, int events) => Accounts.StartAsync(_store, streamId, events);

    private async Task AssertLogHoldsEveryEventOnceAsync() =>
        Assert.Equal(
            await Db.RowsAsync($"SELECT seq, id, tx, stream_id, version, type FROM {fixture.Schema}.events ORDER BY seq"),
            await Db.RowsAsync($"SELECT seq, event_id, tx, stream_id, version, type FROM {fixture.Schema}.{Projection} ORDER BY seq"));
}
