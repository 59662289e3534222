using Practice.Testing;

namespace Practice.EventStore.Tests;

/// <summary>A session that writes several streams commits all or none of them, and a refusal costs no sequence number.</summary>
public sealed class SessionsOfSeveralStreams(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_session_of_three_streams_commits_each_with_its_own_versions_and_sequence_numbers_in_order()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("three-a", "account", new Opened("Ada"));
        await session.SaveChangesAsync();

        session.Append("three-a", "account", 1, new Deposited(1m), new Deposited(2m));
        session.StartStream("three-b", "account", new Opened("Bo"));
        session.Append("three-c", "account", ExpectedVersion.New, new Opened("Cy"), new Deposited(3m), new Deposited(4m));
        var results = await session.SaveChangesAsync();

        Assert.Equal(["three-a", "three-b", "three-c"], results.Select(r => r.StreamId));
        Assert.Equal([3L, 1L, 3L], results.Select(r => r.Version));
        var stored = results.SelectMany(r => r.Events).ToList();
        Assert.Equal([2L, 3L, 1L, 1L, 2L, 3L], stored.Select(e => e.Version));
        Assert.Equal(stored.Select(e => e.Sequence).Order(), stored.Select(e => e.Sequence));
        foreach (var result in results)
        {
            var read = await session.FetchStreamAsync(result.StreamId);
            Assert.Equal(result.Events.Select(e => (e.Id, e.Sequence)), read.TakeLast(result.Events.Count).Select(e => (e.Id, e.Sequence)));
            Assert.Equal(result.Version, read[^1].Version);
        }
    }

    [Fact]
    public async Task A_conflict_on_the_last_stream_names_it_writes_nothing_and_takes_no_sequence_number()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("stale-last", "account", new Opened("Di"), new Deposited(1m));
        await session.SaveChangesAsync();
        var before = await Accounts.LastSequenceAsync(fixture.Schema);

        session.StartStream("fresh-first", "account", new Opened("Ed"));
        session.Append("fresh-second", "account", ExpectedVersion.New, new Opened("Flo"), new Deposited(2m));
        session.Append("stale-last", "account", 1, new Deposited(3m));
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(("stale-last", 1L, 2L), (conflict.StreamId, conflict.ExpectedVersion, conflict.ActualVersion));
        Assert.Null(await session.FetchStreamInfoAsync("fresh-first"));
        Assert.Null(await session.FetchStreamInfoAsync("fresh-second"));
        Assert.Equal(before + 1, await Accounts.NextSequenceAsync(_store));
    }

    [Fact]
    public async Task An_archived_stream_in_a_session_is_named_and_takes_no_sequence_number_for_the_others()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("archived-one", "account", new Opened("Gus"));
        await session.SaveChangesAsync();
        session.ArchiveStream("archived-one");
        await session.SaveChangesAsync();
        var before = await Accounts.LastSequenceAsync(fixture.Schema);

        session.StartStream("beside-archived", "account", new Opened("Hal"));
        session.Append("archived-one", "account", 1, new Deposited(1m));
        var refused = await Assert.ThrowsAsync<StreamArchivedException>(() => session.SaveChangesAsync());

        Assert.Equal("archived-one", refused.StreamId);
        Assert.Null(await session.FetchStreamInfoAsync("beside-archived"));
        Assert.Equal(before + 1, await Accounts.NextSequenceAsync(_store));
    }

    [Fact]
    public async Task Resending_a_whole_session_is_a_no_op_that_takes_no_sequence_number()
    {
        var events = new[] { new NewEvent(Guid.CreateVersion7(), new Opened("Ivy")), new NewEvent(Guid.CreateVersion7(), new Deposited(5m)) };
        await using var session = _store.OpenSession("tenant-a");
        session.Append("resent-a", "account", ExpectedVersion.New, events[0]);
        session.Append("resent-b", "account", ExpectedVersion.New, events[1]);
        await session.SaveChangesAsync();
        var before = await Accounts.LastSequenceAsync(fixture.Schema);

        session.Append("resent-a", "account", ExpectedVersion.New, events[0]);
        session.Append("resent-b", "account", ExpectedVersion.New, events[1]);
        var resent = await session.SaveChangesAsync();

        Assert.All(resent, result => Assert.True(result.WasDuplicate));
        Assert.Equal([1L, 1L], resent.Select(r => r.Version));
        Assert.Single(await session.FetchStreamAsync("resent-a"));
        Assert.Equal(before + 1, await Accounts.NextSequenceAsync(_store));
    }
}
