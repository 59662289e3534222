using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed record Withdrawn(decimal Amount);

public sealed record Note(string Text);

public sealed class BadInputIsRefusedFixture : StoreFixture
{
    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.Events.Register<Note>("note");
    }
}

public sealed class BadInputIsRefused(BadInputIsRefusedFixture fixture) : IClassFixture<BadInputIsRefusedFixture>
{
    private const int MaxStreamIdLength = 250;
    private readonly StreamStore _store = fixture.Store;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_missing_or_blank_stream_id_is_refused_and_nothing_is_written(string? streamId)
    {
        var before = await RowCountsAsync();
        await using var session = _store.OpenSession("tenant-a");

        Assert.ThrowsAny<ArgumentException>(() => session.StartStream(streamId!, "account", new Opened("Ada")));
        Assert.ThrowsAny<ArgumentException>(() => session.Append(streamId!, "account", ExpectedVersion.Any, new Deposited(1m)));
        Assert.ThrowsAny<ArgumentException>(() => session.ArchiveStream(streamId!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => session.FetchStreamAsync(streamId!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => session.FetchStreamInfoAsync(streamId!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => session.AggregateStreamAsync(streamId!, 0, (count, _) => count + 1));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => session.FetchForWritingAsync(streamId!, "account", 0, (count, _) => count + 1));

        Assert.Empty(await session.SaveChangesAsync());
        Assert.Equal(before, await RowCountsAsync());
    }

    [Fact]
    public async Task A_stream_id_longer_than_the_limit_is_refused_and_one_at_the_limit_is_stored()
    {
        var before = await RowCountsAsync();
        await using var session = _store.OpenSession("tenant-a");

        var refused = Assert.Throws<ArgumentException>(() => session.StartStream(new string('x', MaxStreamIdLength + 1), "account", new Opened("Ada")));
        Assert.Contains($"{MaxStreamIdLength}", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await session.SaveChangesAsync());
        Assert.Equal(before, await RowCountsAsync());

        session.StartStream(new string('y', MaxStreamIdLength), "account", new Opened("Ada"));
        await session.SaveChangesAsync();
        Assert.Equal((before.Events + 1, before.Streams + 1), await RowCountsAsync());
    }

    [Fact]
    public async Task A_nul_character_in_an_id_a_name_an_event_or_metadata_is_refused_and_nothing_is_written()
    {
        var before = await RowCountsAsync();
        Assert.Throws<ArgumentException>(() => _store.OpenSession("tenant\0a"));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.ReadTenantFeedAsync("tenant\0a", Projections.ProjectionPosition.Start, 10));
        await using var session = _store.OpenSession("tenant-a");

        Assert.Throws<ArgumentException>(() => session.StartStream("notes\0nul", "notes", new Note("fine")));
        Assert.Throws<ArgumentException>(() => session.StartStream("notes-nul", "no\0tes", new Note("fine")));
        await Assert.ThrowsAsync<ArgumentException>(() => session.FetchStreamAsync("notes\0nul"));
        var refused = Assert.Throws<UnstorableTextException>(() => session.StartStream("notes-nul", "notes", new Note("a\0b")));
        Assert.Contains("notes-nul", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await session.SaveChangesAsync());

        session.Metadata = new EventMetadata(UserId: "user\0one");
        session.StartStream("notes-nul", "notes", new Note("fine"));
        await Assert.ThrowsAsync<UnstorableTextException>(() => session.SaveChangesAsync());
        Assert.Equal(before, await RowCountsAsync());

        // Text that only reads like the escape is ordinary text.
        session.Metadata = new EventMetadata(UserId: @"user\u0000one");
        await session.SaveChangesAsync();
        session.StartStream("notes-escaped", "notes", new Note(@"a\u0000b \\u0000"));
        await session.SaveChangesAsync();
        var stored = Assert.Single(await session.FetchStreamAsync("notes-escaped"));
        Assert.Equal(new Note(@"a\u0000b \\u0000"), stored.Data);
        Assert.Equal(@"user\u0000one", (await session.FetchStreamAsync("notes-nul"))[0].Metadata.UserId);
    }

    [Fact]
    public async Task A_blank_tenant_is_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => _store.OpenSession(" "));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.ReadTenantFeedAsync("", Projections.ProjectionPosition.Start, 10));
    }

    [Fact]
    public async Task A_feed_read_of_no_events_is_refused_rather_than_reported_as_caught_up()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ReadTenantFeedAsync("tenant-a", Projections.ProjectionPosition.Start, limit: 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ReadTenantFeedAsync("tenant-a", Projections.ProjectionPosition.Start, 10, scanWindow: 0));
    }

    [Fact]
    public async Task An_event_of_an_unregistered_clr_type_is_refused_and_nothing_of_its_append_is_written()
    {
        var before = await RowCountsAsync();
        await using var session = _store.OpenSession("tenant-a");

        var refused = Assert.Throws<UnregisteredEventException>(() =>
            session.StartStream("account-unregistered", "account", new Opened("Ada"), new Withdrawn(5m)));
        Assert.Contains(typeof(Withdrawn).FullName!, refused.Message, StringComparison.Ordinal);

        Assert.Empty(await session.SaveChangesAsync());
        Assert.Equal(before, await RowCountsAsync());
        Assert.Null(await session.FetchStreamInfoAsync("account-unregistered"));
    }

    /// <summary>A store on this class's schema with limits of its own, knowing only notes.</summary>
    private static StreamStore NoteStore(StoreOptions options)
    {
        var store = StreamStore.Create(options);
        store.Options.Events.Register<Note>("note");
        return store;
    }

    [Fact]
    public async Task An_event_over_the_size_limit_is_refused_with_its_size_and_nothing_of_its_append_is_written()
    {
        const int limit = 256;
        await using var smallStore = NoteStore(new StoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = fixture.Schema, MaxEventBytes = limit });
        var before = await RowCountsAsync();
        await using var session = smallStore.OpenSession("tenant-a");

        var refused = Assert.Throws<EventTooLargeException>(() =>
            session.StartStream("notes-oversized", "notes", new Note("fits"), new Note(new string('z', limit))));
        Assert.Contains($"limit is {limit}", refused.Message, StringComparison.Ordinal);

        Assert.Empty(await session.SaveChangesAsync());
        Assert.Equal(before, await RowCountsAsync());

        session.StartStream("notes-oversized", "notes", new Note("fits"));
        await session.SaveChangesAsync();
        Assert.Equal((before.Events + 1, before.Streams + 1), await RowCountsAsync());
    }

    [Fact]
    public async Task Metadata_over_the_size_limit_is_refused_with_its_size_and_nothing_of_the_session_is_written()
    {
        const int limit = 512;
        await using var smallStore = NoteStore(new StoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = fixture.Schema, MaxMetadataBytes = limit });
        var before = await RowCountsAsync();
        await using var session = smallStore.OpenSession("tenant-a");
        session.StartStream("notes-big-metadata", "notes", new Note("fits"));
        session.Metadata = session.Metadata with { Headers = new Dictionary<string, string> { ["trace"] = new string('h', limit) } };

        var refused = await Assert.ThrowsAsync<MetadataTooLargeException>(() => session.SaveChangesAsync());
        Assert.Contains($"limit is {limit}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await RowCountsAsync());

        session.Metadata = session.Metadata with { Headers = new Dictionary<string, string> { ["trace"] = "short" } };
        await session.SaveChangesAsync();
        Assert.Equal((before.Events + 1, before.Streams + 1), await RowCountsAsync());
        Assert.Equal("short", (await session.FetchStreamAsync("notes-big-metadata"))[0].Metadata.Headers!["trace"]);
    }

    [Fact]
    public async Task Reading_an_event_whose_type_this_store_does_not_know_fails_with_its_name()
    {
        // Another version of the service wrote an event type this one has never heard of.
        await using var newerStore = await TestDatabase.CreateStoreAsync(fixture.Schema, options =>
        {
            TestEventTypes.Register(options);
            options.Events.Register<Withdrawn>("money-withdrawn");
        });
        await using (var newer = newerStore.OpenSession("tenant-a"))
        {
            newer.StartStream("account-from-the-future", "account", new Opened("Ada"), new Withdrawn(3m));
            await newer.SaveChangesAsync();
        }

        await using var session = _store.OpenSession("tenant-a");
        var unknown = await Assert.ThrowsAsync<UnknownEventTypeException>(() => session.FetchStreamAsync("account-from-the-future"));
        Assert.Equal("money-withdrawn", unknown.TypeName);
        // A command folds the stream to decide: it must stop there too, not decide on part of the history.
        var folding = await Assert.ThrowsAsync<UnknownEventTypeException>(() => session.FetchForWritingAsync("account-from-the-future", "account", 0, (count, _) => count + 1));
        Assert.Equal("money-withdrawn", folding.TypeName);
        Assert.False(_store.Options.Events.IsKnown("money-withdrawn"));
        Assert.Equal(2, (await session.FetchStreamInfoAsync("account-from-the-future"))!.Version);
    }

    [Fact]
    public async Task Reading_an_event_whose_json_no_longer_fits_its_type_names_the_event_and_its_stream()
    {
        await Accounts.StartAsync(_store, "account-with-a-bad-row", 2);
        // A hand edit, or a change of the type without an upcaster, leaves a row that no longer deserializes.
        var sequence = await Db.ScalarAsync<long>(
            $"UPDATE {fixture.Schema}.events SET data = '{{\"amount\": \"lots\"}}' WHERE stream_id = 'account-with-a-bad-row' AND version = 2 RETURNING seq");

        await using var session = _store.OpenSession("tenant-a");
        var undecodable = await Assert.ThrowsAsync<UndecodableEventException>(() => session.FetchStreamAsync("account-with-a-bad-row"));

        Assert.Equal(sequence, undecodable.Sequence);
        Assert.Equal("account-with-a-bad-row", undecodable.StreamId);
        Assert.IsType<System.Text.Json.JsonException>(undecodable.InnerException);
        // Folding for a command reads the same row, and says as much.
        var folding = await Assert.ThrowsAsync<UndecodableEventException>(() => session.AggregateStreamAsync("account-with-a-bad-row", 0, (count, _) => count + 1));
        Assert.Equal(sequence, folding.Sequence);
    }

    private async Task<(long Events, long Streams)> RowCountsAsync() =>
        (await Db.CountAsync(fixture.Schema, "events"), await Db.CountAsync(fixture.Schema, "streams"));
}
