using System.Collections.Immutable;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class AppendingAndReading(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_started_stream_reads_back_in_order_with_versions()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-1", "account", new Opened("Ada"), new Deposited(10m));
        var results = await session.SaveChangesAsync();
        Assert.Equal(2, results.Single().Version);

        var events = await session.FetchStreamAsync("account-1");
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.Equal(new Opened("Ada"), events[0].Data);
        Assert.Equal("money-deposited", events[1].TypeName);
        Assert.True(events[0].Sequence < events[1].Sequence);
    }

    [Fact]
    public async Task Fetching_from_a_version_returns_only_the_later_events_in_order()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-from", "account", new Opened("Cy"), new Deposited(1m), new Deposited(2m), new Renamed("Cyd"), new Deposited(3m));
        var written = Assert.Single(await session.SaveChangesAsync()).Events;

        var later = await session.FetchStreamAsync("account-from", fromVersion: 2);

        Assert.Equal([3L, 4L, 5L], later.Select(e => e.Version));
        Assert.Equal(written.Skip(2).Select(e => e.Id), later.Select(e => e.Id));
        Assert.Equal<object>([new Deposited(2m), new Renamed("Cyd"), new Deposited(3m)], later.Select(e => e.Data));
        Assert.Empty(await session.FetchStreamAsync("account-from", fromVersion: 5));
    }

    [Fact]
    public async Task A_stream_reads_between_two_versions_and_folds_as_it_was_at_one()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-then", "account", new Opened("Di"), new Deposited(1m), new Renamed("Dee"), new Deposited(3m));
        await session.SaveChangesAsync();

        Assert.Equal([2L, 3L], (await session.FetchStreamAsync("account-then", fromVersion: 1, toVersion: 3)).Select(e => e.Version));
        Assert.Equal([1L], (await session.FetchStreamAsync("account-then", toVersion: 1)).Select(e => e.Version));
        var (then, version) = await session.AggregateStreamAsync("account-then", ImmutableList<object>.Empty, (folded, e) => folded.Add(e), toVersion: 2);
        Assert.Equal(2L, version);
        Assert.Equal([new Opened("Di"), new Deposited(1m)], then);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.FetchStreamAsync("account-then", fromVersion: 3, toVersion: 2));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.FetchStreamAsync("account-then", fromVersion: -1));
    }

    [Fact]
    public async Task Appending_at_a_stale_version_raises_a_concurrency_exception_and_writes_nothing()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-2", "account", new Opened("Bo"));
        await session.SaveChangesAsync();
        session.Append("account-2", "account", 1, new Deposited(5m));
        await session.SaveChangesAsync();

        session.Append("account-2", "account", 1, new Deposited(7m));
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());
        Assert.Equal((1L, 2L), (conflict.ExpectedVersion, conflict.ActualVersion));

        var (state, version) = await session.AggregateStreamAsync("account-2", Account.Initial, Account.Apply);
        Assert.Equal((5m, 2L), (state.Balance, version));
    }

    [Fact]
    public async Task Aggregating_a_long_stream_folds_every_event_once_in_version_order()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-long", "account", new Opened("Long"));
        await session.SaveChangesAsync();
        for (var round = 0; round < 20; round++)
        {
            session.Append("account-long", "account", 1 + round * 100, Enumerable.Range(1, 100).Select(i => (object)new Deposited(round * 100 + i)).ToArray());
            await session.SaveChangesAsync();
        }

        var (seen, version) = await session.AggregateStreamAsync("account-long", ImmutableList<object>.Empty, (folded, e) => folded.Add(e));

        Assert.Equal(2_001L, version);
        Assert.Equal(new Opened("Long"), seen[0]);
        Assert.Equal(Enumerable.Range(1, 2_000).Select(i => (object)new Deposited(i)), seen.Skip(1));
        Assert.Equal((ImmutableList<object>.Empty, 0L), await session.AggregateStreamAsync("account-none", ImmutableList<object>.Empty, (folded, e) => folded.Add(e)));
    }
}
