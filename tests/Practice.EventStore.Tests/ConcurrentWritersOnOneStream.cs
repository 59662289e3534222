using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class ConcurrentWritersOnOneStream(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private const int Writers = 50;
    private const int Rounds = 200;
    private const string StreamId = "contested-account";
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task Exactly_one_of_fifty_racing_writers_wins_each_version_and_losers_burn_no_sequence_numbers()
    {
        var winningEvents = new List<Guid>();
        var lastTakenBefore = await LastSequenceNumberTakenAsync();
        // Round 0 races to create the stream; rounds 1..200 race to extend it.
        for (long expected = ExpectedVersion.New; expected <= Rounds; expected++)
        {
            var outcomes = await RaceAsync(expected);

            var winners = outcomes.OfType<AppendResult>().ToList();
            var losers = outcomes.OfType<ConcurrencyException>().ToList();
            Assert.True(winners.Count == 1, $"Round at version {expected} had {winners.Count} winners.");
            Assert.Equal(expected + 1, winners[0].Version);
            winningEvents.Add(Assert.Single(winners[0].Events).Id);
            Assert.Equal(Writers - 1, losers.Count);
            Assert.All(losers, loser => Assert.Equal((StreamId, expected, expected + 1), (loser.StreamId, loser.ExpectedVersion, loser.ActualVersion)));
        }

        await using var session = _store.OpenSession("tenant-a");
        var events = await session.FetchStreamAsync(StreamId);
        Assert.Equal(Enumerable.Range(1, Rounds + 1).Select(v => (long)v), events.Select(e => e.Version));
        // Each version holds the event of the writer told it won, not a loser's.
        Assert.Equal(winningEvents, events.Select(e => e.Id));
        Assert.Equal(Rounds + 1, (await session.FetchStreamInfoAsync(StreamId))!.Version);

        // Nothing else writes to this schema while the race runs: a sequence number taken by a loser would leave a hole
        // between the winners, or before the first or after the last of them.
        var (first, last) = (await Db.ScalarAsync<long>($"SELECT min(seq) FROM {fixture.Schema}.events WHERE stream_id = $1", StreamId),
            await Db.ScalarAsync<long>($"SELECT max(seq) FROM {fixture.Schema}.events WHERE stream_id = $1", StreamId));
        Assert.Equal(Rounds + 1, await Db.CountAsync(fixture.Schema, "events", $"stream_id = '{StreamId}'"));
        Assert.Equal((lastTakenBefore + 1, lastTakenBefore + Rounds + 1), (first, last));
        Assert.Equal(last, await LastSequenceNumberTakenAsync());
    }

    /// <summary>The last number the events' identity handed out, taken by a stored event or not (0 before the first).</summary>
    private Task<long> LastSequenceNumberTakenAsync() => Db.ScalarAsync<long>(
        "SELECT coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = $1 AND sequencename = 'events_seq_seq'", fixture.Schema);

    [Fact]
    public async Task A_conflict_on_the_second_stream_of_a_session_names_that_stream_and_writes_neither()
    {
        await using var session = _store.OpenSession("tenant-b");
        session.StartStream("second-stale", "account", new Opened("Bo"), new Deposited(1m));
        await session.SaveChangesAsync();

        session.StartStream("first-fresh", "account", new Opened("Cy"));
        session.Append("second-stale", "account", 1, new Deposited(2m));
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(("second-stale", 1L, 2L), (conflict.StreamId, conflict.ExpectedVersion, conflict.ActualVersion));
        Assert.Null(await session.FetchStreamInfoAsync("first-fresh"));
    }

    /// <summary>All writers queue their append first, then a gate releases them together so they truly collide.</summary>
    private async Task<object[]> RaceAsync(long expectedVersion)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = 0;
        var attempts = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            await using var session = _store.OpenSession("tenant-a");
            session.Append(StreamId, "account", expectedVersion, new Deposited(writer));
            if (Interlocked.Increment(ref queued) == Writers)
            {
                allQueued.SetResult();
            }
            await gate.Task;
            try
            {
                return (object)(await session.SaveChangesAsync()).Single();
            }
            catch (EventStoreException exception)
            {
                return exception;
            }
        })).ToList();
        await allQueued.Task.WaitAsync(TimeSpan.FromSeconds(10));
        gate.SetResult();
        return await Task.WhenAll(attempts);
    }
}
