using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class ArchivedStreams(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Theory]
    [InlineData(2L)]
    [InlineData(ExpectedVersion.Any)]
    public async Task An_archived_stream_refuses_appends_and_still_reads(long expectedVersion)
    {
        var streamId = $"account-archived-{expectedVersion}";
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream(streamId, "account", new Opened("Ada"), new Deposited(10m));
        await session.SaveChangesAsync();
        session.ArchiveStream(streamId);
        await session.SaveChangesAsync();
        var events = await Db.CountAsync(fixture.Schema, "events");

        session.Append(streamId, "account", expectedVersion, new Deposited(1m));
        var refused = await Assert.ThrowsAsync<StreamArchivedException>(() => session.SaveChangesAsync());
        Assert.Contains(streamId, refused.Message, StringComparison.Ordinal);

        Assert.Equal(events, await Db.CountAsync(fixture.Schema, "events"));
        var info = await session.FetchStreamInfoAsync(streamId);
        Assert.Equal((true, 2L), (info!.Archived, info.Version));
        Assert.Equal((new Account(true, "Ada", 10m), 2L), await session.AggregateStreamAsync(streamId, Account.Initial, Account.Apply));
    }

    [Fact]
    public async Task A_session_touching_an_archived_stream_names_that_stream_and_writes_none_of_its_streams()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-closed", "account", new Opened("Bo"));
        await session.SaveChangesAsync();
        session.ArchiveStream("account-closed");
        await session.SaveChangesAsync();

        session.StartStream("account-open", "account", new Opened("Cy"));
        session.Append("account-closed", "account", 1, new Deposited(1m));
        var refused = await Assert.ThrowsAsync<StreamArchivedException>(() => session.SaveChangesAsync());

        Assert.Contains("'account-closed'", refused.Message, StringComparison.Ordinal);
        Assert.Null(await session.FetchStreamInfoAsync("account-open"));
    }

    [Fact]
    public async Task Archiving_in_a_session_whose_append_loses_a_race_is_not_kept()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-to-close", "account", new Opened("Ed"));
        session.StartStream("account-raced", "account", new Opened("Fa"), new Deposited(2m));
        await session.SaveChangesAsync();

        session.ArchiveStream("account-to-close");
        session.Append("account-raced", "account", 1, new Deposited(1m));
        await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.False((await session.FetchStreamInfoAsync("account-to-close"))!.Archived);
        Assert.Equal(2, (await session.FetchStreamInfoAsync("account-raced"))!.Version);
    }

    [Fact]
    public async Task Archiving_a_stream_that_does_not_exist_is_refused_and_takes_the_sessions_appends_back()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.ArchiveStream("account-never-opened");
        var refused = await Assert.ThrowsAsync<StreamNotFoundException>(() => session.SaveChangesAsync());
        Assert.Equal("account-never-opened", refused.StreamId);

        await using var other = _store.OpenSession("tenant-a");
        other.StartStream("account-opened-beside", "account", new Opened("Gu"));
        other.ArchiveStream("account-never-opened-either");
        await Assert.ThrowsAsync<StreamNotFoundException>(() => other.SaveChangesAsync());
        Assert.Null(await other.FetchStreamInfoAsync("account-opened-beside"));
    }
}
