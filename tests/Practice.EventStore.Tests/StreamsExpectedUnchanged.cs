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
        var lastBefore = await Accounts.LastSequenceAsync(fixture.Schema);

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(("read-consent", 2L, 3L), (conflict.StreamId, conflict.ExpectedVersion, conflict.ActualVersion));
        Assert.Null(await session.FetchStreamInfoAsync("decided-on-it"));
        Assert.Equal(lastBefore + 1, await Accounts.NextSequenceAsync(_store));
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

    // A client that lost the answer to a commit sends the same session again; the stream it read may have moved on
    // since, but its events are stored, and a resend is a no-op, as it is without a read stream.
    [Fact]
    public async Task Resending_a_committed_session_is_a_no_op_though_a_stream_it_read_changed_since()
    {
        await Accounts.StartAsync(_store, "read-then-resent", 1);
        var opened = new NewEvent(Guid.CreateVersion7(), new Opened("Di"));
        var deposited = new NewEvent(Guid.CreateVersion7(), new Deposited(3m));
        async Task<IReadOnlyList<AppendResult>> SendAsync(params NewEvent[] events)
        {
            await using var session = _store.OpenSession("tenant-a");
            session.Append("written-once", "account", ExpectedVersion.New, events);
            session.ExpectUnchanged("read-then-resent", 1);
            return await session.SaveChangesAsync();
        }
        Assert.False(Assert.Single(await SendAsync(opened, deposited)).WasDuplicate);
        await using (var other = _store.OpenSession("tenant-a"))
        {
            other.Append("read-then-resent", "account", 1, new Deposited(9m));
            await other.SaveChangesAsync();
        }
        var lastBefore = await Accounts.LastSequenceAsync(fixture.Schema);

        var resent = Assert.Single(await SendAsync(opened, deposited));

        Assert.True(resent.WasDuplicate);
        Assert.Equal(lastBefore, await Accounts.LastSequenceAsync(fixture.Schema));
        // A new decision on the stale read is still refused, naming the stream that changed.
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => SendAsync(new NewEvent(Guid.CreateVersion7(), new Opened("Ed"))));
        Assert.Equal("read-then-resent", conflict.StreamId);
        await Assert.ThrowsAsync<ConcurrencyException>(() => SendAsync(opened, new NewEvent(Guid.CreateVersion7(), new Deposited(4m))));
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

    // Every booking reads its location: sessions that only read a stream must not queue behind each other, while
    // a writer of it waits for them.
    [Fact]
    public async Task Readers_of_a_stream_share_its_lock_and_its_writers_wait_for_them()
    {
        await Accounts.StartAsync(_store, "shared-location", 1);
        await using var reader = new Npgsql.NpgsqlConnection(Practice.Testing.TestDatabase.ConnectionString);
        await reader.OpenAsync();
        await using var readerTransaction = await reader.BeginTransactionAsync();
        await using (var hold = new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", reader, readerTransaction))
        {
            // What a session that expects the stream unchanged holds while it commits.
            hold.Parameters.AddWithValue($"practice-stream:{fixture.Schema}:tenant-a:shared-location");
            await hold.ExecuteNonQueryAsync();
        }

        await using (var alsoReading = _store.OpenSession("tenant-a"))
        {
            alsoReading.StartStream("booked-at-the-location", "account", new Opened("Eve"));
            alsoReading.ExpectUnchanged("shared-location", 1);
            await alsoReading.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        var writing = Accounts.StartAsync(_store, "another-location", 1).ContinueWith(async _ =>
        {
            await using var writer = _store.OpenSession("tenant-a");
            writer.Append("shared-location", "account", 1, new Deposited(1m));
            await writer.SaveChangesAsync();
        }, TaskScheduler.Default).Unwrap();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(writing.IsCompleted, "the writer went ahead of a reader still holding the stream");

        await readerTransaction.CommitAsync();
        await writing.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_stream_cannot_be_both_written_and_expected_unchanged_in_one_session()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("written-here", "account", new Opened("Fay"));

        Assert.Throws<InvalidOperationException>(() => session.ExpectUnchanged("written-here", 0));
        session.ExpectUnchanged("read-here", 0);
        Assert.Throws<InvalidOperationException>(() => session.Append("read-here", "account", 0, new Opened("Gus")));
    }
}
