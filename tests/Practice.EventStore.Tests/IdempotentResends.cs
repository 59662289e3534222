using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class IdempotentResends(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task Resending_the_same_event_ids_is_a_no_op_even_after_the_stream_moved_on()
    {
        List<NewEvent> events = [new(Guid.CreateVersion7(), new Opened("Ada")), new(Guid.CreateVersion7(), new Deposited(10m))];
        await using var session = _store.OpenSession("tenant-a");
        session.Append("account-resent", "account", ExpectedVersion.New, events);
        var first = Assert.Single(await session.SaveChangesAsync());
        Assert.False(first.WasDuplicate);
        var rows = await Db.CountAsync(fixture.Schema, "events");

        // The client never saw the reply and sends the same request again.
        session.Append("account-resent", "account", ExpectedVersion.New, events);
        var resent = Assert.Single(await session.SaveChangesAsync());
        Assert.Equal((true, 2L), (resent.WasDuplicate, resent.Version));
        Assert.Empty(resent.Events);
        Assert.Equal(rows, await Db.CountAsync(fixture.Schema, "events"));

        // A late resend, after others appended, is still recognised rather than reported as a conflict.
        session.Append("account-resent", "account", 2, new Deposited(1m));
        await session.SaveChangesAsync();
        session.Append("account-resent", "account", ExpectedVersion.New, events);
        Assert.True(Assert.Single(await session.SaveChangesAsync()).WasDuplicate);
        Assert.Equal(3, (await session.FetchStreamInfoAsync("account-resent"))!.Version);
        Assert.Equal(rows + 1, await Db.CountAsync(fixture.Schema, "events"));
    }

    [Fact]
    public async Task A_resend_that_only_partly_repeats_stored_ids_is_refused_and_writes_nothing()
    {
        var opened = new NewEvent(Guid.CreateVersion7(), new Opened("Bo"));
        await using var session = _store.OpenSession("tenant-a");
        session.Append("account-partial", "account", ExpectedVersion.New, [opened]);
        await session.SaveChangesAsync();
        var rows = await Db.CountAsync(fixture.Schema, "events");

        session.Append("account-partial", "account", 1, [opened, new NewEvent(Guid.CreateVersion7(), new Deposited(4m))]);
        var refused = await Assert.ThrowsAsync<DuplicateEventException>(() => session.SaveChangesAsync());
        Assert.Contains("account-partial", refused.Message, StringComparison.Ordinal);

        Assert.Equal(rows, await Db.CountAsync(fixture.Schema, "events"));
        Assert.Equal(1, (await session.FetchStreamInfoAsync("account-partial"))!.Version);
    }

    [Fact]
    public async Task A_resend_that_names_the_streams_current_version_is_still_a_no_op()
    {
        List<NewEvent> events = [new(Guid.CreateVersion7(), new Opened("Di")), new(Guid.CreateVersion7(), new Deposited(3m))];
        await using var session = _store.OpenSession("tenant-a");
        session.Append("account-current", "account", ExpectedVersion.New, events);
        await session.SaveChangesAsync();
        var rows = await Db.CountAsync(fixture.Schema, "events");

        // The stream is at version 2, exactly what the resend expects, so only the event ids give it away.
        session.Append("account-current", "account", 2, events);
        var resent = Assert.Single(await session.SaveChangesAsync());

        Assert.Equal((true, 2L), (resent.WasDuplicate, resent.Version));
        Assert.Equal(rows, await Db.CountAsync(fixture.Schema, "events"));
        Assert.Equal(2, (await session.FetchStreamInfoAsync("account-current"))!.Version);
    }

    [Fact]
    public async Task Stored_event_ids_sent_to_another_stream_are_refused_as_duplicates()
    {
        var opened = new NewEvent(Guid.CreateVersion7(), new Opened("Cy"));
        await using var session = _store.OpenSession("tenant-a");
        session.Append("account-original", "account", ExpectedVersion.New, [opened]);
        await session.SaveChangesAsync();

        session.Append("account-other", "account", ExpectedVersion.New, [opened]);
        await Assert.ThrowsAsync<DuplicateEventException>(() => session.SaveChangesAsync());
        Assert.Null(await session.FetchStreamInfoAsync("account-other"));
    }
}
