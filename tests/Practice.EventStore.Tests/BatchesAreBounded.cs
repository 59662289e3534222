using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class BatchesAreBoundedFixture : StoreFixture
{
    public ApplyCountingProjection Projection { get; } = new(new EventLogProjection("bounded_log"));

    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(Projection);
    }
}

/// <summary>A batch is bounded by bytes as well as by count: events near the size limit must not make one of hundreds of megabytes.</summary>
public sealed class BatchesAreBounded(BatchesAreBoundedFixture fixture) : IClassFixture<BatchesAreBoundedFixture>
{
    [Fact]
    public async Task A_batch_ends_with_the_event_that_reaches_its_byte_budget_and_the_rest_follow_in_order()
    {
        await using (var session = fixture.Store.OpenSession("tenant-a"))
        {
            // Amounts of two digits: every event is stored in the same number of bytes.
            session.StartStream("account-of-equal-deposits", "account", [.. Enumerable.Range(10, 12).Select(amount => (object)new Deposited(amount))]);
            await session.SaveChangesAsync();
        }
        var sizes = await Db.RowsAsync($"SELECT DISTINCT pg_column_size(data) FROM {fixture.Schema}.events");
        var size = long.Parse(Assert.Single(sizes), System.Globalization.CultureInfo.InvariantCulture);

        await using var daemon = fixture.Store.CreateDaemon(new DaemonOptions { PollInterval = TimeSpan.FromMilliseconds(50), BatchBytes = 3 * size });
        await daemon.StartAsync();
        await fixture.Store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, fixture.Projection.LargestBatch);
        Assert.Equal(
            await Db.RowsAsync($"SELECT seq FROM {fixture.Schema}.events ORDER BY seq"),
            await Db.RowsAsync($"SELECT seq FROM {fixture.Schema}.bounded_log ORDER BY applied"));
    }
}
