using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class FetchingForWriting(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private const string Tenant = "tenant-fetch";
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_missing_stream_is_fetched_at_version_zero_with_the_initial_state_and_appending_through_it_starts_the_stream()
    {
        await using var session = _store.OpenSession(Tenant);
        var stream = await session.FetchForWritingAsync("fresh-account", "account", Account.Initial, Account.Apply);

        Assert.Equal(("fresh-account", "account", 0L), (stream.StreamId, stream.StreamType, stream.CurrentVersion));
        Assert.Same(Account.Initial, stream.Aggregate);

        stream.AppendMany([new NewEvent(Guid.CreateVersion7(), new Opened("Ada")), new NewEvent(Guid.CreateVersion7(), new Deposited(4m))]);
        var result = Assert.Single(await session.SaveChangesAsync());

        Assert.Equal(2, result.Version);
        var info = await session.FetchStreamInfoAsync("fresh-account");
        Assert.Equal(("account", 2L), (info!.Type, info.Version));
    }

    [Fact]
    public async Task An_existing_stream_is_fetched_folded_at_its_version_and_appending_through_it_continues_from_there()
    {
        await using var session = _store.OpenSession(Tenant);
        session.StartStream("folded-account", "account", new Opened("Bo"), new Deposited(5m), new Renamed("Bea"), new Deposited(2.5m));
        await session.SaveChangesAsync();

        var stream = await session.FetchForWritingAsync("folded-account", "account", Account.Initial, Account.Apply);
        Assert.Equal(new Account(true, "Bea", 7.5m), stream.Aggregate);
        Assert.Equal(4, stream.CurrentVersion);

        var deposit = new NewEvent(Guid.CreateVersion7(), new Deposited(1m));
        stream.AppendMany([deposit]);
        var result = Assert.Single(await session.SaveChangesAsync());

        Assert.Equal(5, result.Version);
        var events = await session.FetchStreamAsync("folded-account");
        Assert.Equal([1L, 2L, 3L, 4L, 5L], events.Select(e => e.Version));
        Assert.Equal(deposit.Id, events[^1].Id);
    }

    [Fact]
    public async Task An_append_through_a_fetched_stream_that_another_session_extended_meanwhile_is_refused_and_writes_nothing()
    {
        await using (var setup = _store.OpenSession(Tenant))
        {
            setup.StartStream("raced-account", "account", new Opened("Cy"), new Deposited(10m));
            await setup.SaveChangesAsync();
        }

        await using var session = _store.OpenSession(Tenant);
        var stream = await session.FetchForWritingAsync("raced-account", "account", Account.Initial, Account.Apply);
        await using (var other = _store.OpenSession(Tenant))
        {
            other.Append("raced-account", "account", 2, new Deposited(1m));
            await other.SaveChangesAsync();
        }

        var late = new NewEvent(Guid.CreateVersion7(), new Deposited(100m));
        stream.AppendMany([late]);
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(("raced-account", 2L, 3L), (conflict.StreamId, conflict.ExpectedVersion, conflict.ActualVersion));
        var (state, version) = await session.AggregateStreamAsync("raced-account", Account.Initial, Account.Apply);
        Assert.Equal((11m, 3L), (state.Balance, version));
        Assert.Equal(0, await Db.CountAsync(fixture.Schema, "events", $"id = '{late.Id}'"));
    }

    [Fact]
    public async Task An_append_through_a_fetched_missing_stream_that_another_session_started_meanwhile_is_refused_and_writes_nothing()
    {
        await using var session = _store.OpenSession(Tenant);
        var stream = await session.FetchForWritingAsync("contested-new-account", "account", Account.Initial, Account.Apply);
        await using (var other = _store.OpenSession(Tenant))
        {
            other.StartStream("contested-new-account", "account", new Opened("Dee"));
            await other.SaveChangesAsync();
        }

        var late = new NewEvent(Guid.CreateVersion7(), new Opened("Eve"));
        stream.AppendMany([late]);
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(("contested-new-account", 0L, 1L), (conflict.StreamId, conflict.ExpectedVersion, conflict.ActualVersion));
        var events = await session.FetchStreamAsync("contested-new-account");
        Assert.Equal(new Opened("Dee"), Assert.Single(events).Data);
        Assert.Equal(0, await Db.CountAsync(fixture.Schema, "events", $"id = '{late.Id}'"));
    }
}
