namespace Practice.EventStore.Tests;

/// <summary>A statement queued on a session commits exactly when the session's appends do.</summary>
public sealed class QueuedSqlCommands(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>, IAsyncLifetime
{
    private readonly StreamStore _store = fixture.Store;
    private string Marks => $"{fixture.Schema}.queued_marks";

    public Task InitializeAsync() => Db.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Marks} (tenant_id text NOT NULL, mark text NOT NULL)");

    public Task DisposeAsync() => Task.CompletedTask;

    private void QueueMark(EventSession session, string mark) =>
        session.QueueSqlCommand($"INSERT INTO {Marks} (tenant_id, mark) VALUES ($1, $2)", session.TenantId, mark);

    private Task<long> CountMarksAsync(string mark) => Db.CountAsync(fixture.Schema, "queued_marks", $"mark = '{mark}'");

    [Fact]
    public async Task A_queued_statement_commits_with_the_append_it_was_queued_beside()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("queued-with", "account", new Opened("Ada"));
        QueueMark(session, "with-append");

        await session.SaveChangesAsync();

        Assert.Equal(1, await CountMarksAsync("with-append"));
        Assert.Equal(1, (await session.FetchStreamInfoAsync("queued-with"))!.Version);
        Assert.Empty(await session.SaveChangesAsync());
        Assert.Equal(1, await CountMarksAsync("with-append"));
    }

    [Fact]
    public async Task A_conflict_keeps_nothing_of_a_queued_statement()
    {
        await Accounts.StartAsync(_store, "queued-conflict", 2);
        await using var session = _store.OpenSession("tenant-a");
        session.Append("queued-conflict", "account", 1, new Deposited(5m));
        QueueMark(session, "lost-race");

        await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(0, await CountMarksAsync("lost-race"));
    }

    // The first attempt's append is declined but its queued statements still run; their failure must not hide the lost race.
    [Fact]
    public async Task A_conflict_is_reported_as_one_even_when_the_queued_statement_would_fail()
    {
        await Accounts.StartAsync(_store, "queued-conflict-failing", 2);
        await using var session = _store.OpenSession("tenant-a");
        session.Append("queued-conflict-failing", "account", 1, new Deposited(5m));
        session.QueueSqlCommand($"INSERT INTO {Marks} (tenant_id, mark) VALUES ($1, NULL)", session.TenantId);

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(2, conflict.ActualVersion);
    }

    [Fact]
    public async Task A_resend_that_the_careful_path_settles_runs_the_queued_statement_once()
    {
        var opened = new NewEvent(Guid.CreateVersion7(), new Opened("Bo"));
        await using var session = _store.OpenSession("tenant-a");
        session.Append("queued-resend", "account", ExpectedVersion.New, opened);
        await session.SaveChangesAsync();

        // The plain statement is declined (the stream is past version 0) and rolled back; the careful one commits.
        session.Append("queued-resend", "account", ExpectedVersion.New, opened);
        QueueMark(session, "resend");
        Assert.True(Assert.Single(await session.SaveChangesAsync()).WasDuplicate);

        Assert.Equal(1, await CountMarksAsync("resend"));
    }

    [Fact]
    public async Task A_failing_queued_statement_takes_the_append_back_with_it()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("queued-failing", "account", new Opened("Cy"));
        session.QueueSqlCommand($"INSERT INTO {Marks} (tenant_id, mark) VALUES ($1, NULL)", session.TenantId);

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => session.SaveChangesAsync());

        Assert.Null(await session.FetchStreamInfoAsync("queued-failing"));
    }
}
