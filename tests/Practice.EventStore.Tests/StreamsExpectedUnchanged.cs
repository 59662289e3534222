namespace Practice.EventStore.Tests;

/// <summary>A decision that read a stream it does not write commits only while that stream is as it read it.</summary>
public sealed class StreamsExpectedUnchanged(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_stream_read_and_changed_since_refuses_the_session_naming_it_and_takes_no_sequence_number()
    {
        await Accounts.StartAsync(_store, "read-consent", 2);
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("decided-on-it", "account", new Opened("Ada"));
        session.ExpectUnchanged("read-consent", 2);
        // Another writer changes what the decision read.
        await using (var other = _store.OpenSession("tenant-a"))
        {
            other.Append("read-consent", "account", 2, new Deposited(9m));
            await other.SaveChangesAsync();
        }
        var lastBefore = await LastSequenceAsync();

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(("read-consent", 2L, 3L), (conflict.StreamId, conflict.ExpectedVersion, conflict.ActualVersion));
        Assert.Null(await session.FetchStreamInfoAsync("decided-on-it"));
        Assert.Equal(lastBefore + 1, await NextSequenceAsync());
    }

    [Fact]
    public async Task Streams_still_as_read_let_the_session_commit_and_one_read_absent_must_stay_absent()
    {
        await Accounts.StartAsync(_store, "read-and-kept", 1);
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("decided-on-both", "account", new Opened("Bo"));
        session.ExpectUnchanged("read-and-kept", 1);
        session.ExpectUnchanged("read-absent", 0);
        Assert.Equal(1, Assert.Single(await session.SaveChangesAsync()).Version);

        await Accounts.StartAsync(_store, "read-absent", 1);
        session.Append("decided-on-both", "account", 1, new Deposited(1m));
        session.ExpectUnchanged("read-absent", 0);
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());
        Assert.Equal(("read-absent", 0L, 1L), (conflict.StreamId, conflict.ExpectedVersion, conflict.ActualVersion));
    }

    [Fact]
    public async Task The_careful_path_checks_them_too()
    {
        await Accounts.StartAsync(_store, "read-before-any", 1);
        await using var session = _store.OpenSession("tenant-a");
        session.Append("written-at-any", "account", ExpectedVersion.Any, new Opened("Cy"));
        session.ExpectUnchanged("read-before-any", 1);
        await using (var other = _store.OpenSession("tenant-a"))
        {
            other.Append("read-before-any", "account", 1, new Deposited(2m));
            await other.SaveChangesAsync();
        }

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal("read-before-any", conflict.StreamId);
        Assert.Null(await session.FetchStreamInfoAsync("written-at-any"));
    }

    private Task<long> LastSequenceAsync() => Db.ScalarAsync<long>($"SELECT max(seq) FROM {fixture.Schema}.events");

    private async Task<long> NextSequenceAsync()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream($"probe-{Guid.CreateVersion7()}", "probe", new Opened("probe"));
        return Assert.Single((await session.SaveChangesAsync()).Single().Events).Sequence;
    }
}
