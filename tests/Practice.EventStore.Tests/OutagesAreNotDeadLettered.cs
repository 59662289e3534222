using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class OutagesAreNotDeadLetteredFixture : StoreFixture
{
    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new EventLogProjection(OutagesAreNotDeadLettered.Projection));
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
        await AppendAsync("during-outage", 5);
        // Long enough for the daemon to have retried, and dead-lettered, every event several times over.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
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
