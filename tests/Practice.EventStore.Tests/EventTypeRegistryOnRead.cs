using System.Text.Json.Nodes;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed record Greeting(string Message);

/// <summary>The same event after a class rename: a different CLR type, the same stored name.</summary>
public sealed record Salutation(string Message);

/// <summary>The event's next shape, stored under a new name; old "greeting" events are upcast to it.</summary>
public sealed record GreetingV2(string Text, string Language);

public sealed class EventTypeRegistryOnReadFixture : StoreFixture
{
    protected override void Configure(StoreOptions options) => options.Events.Register<Greeting>("greeting");
}

public sealed class EventTypeRegistryOnRead(EventTypeRegistryOnReadFixture fixture) : IClassFixture<EventTypeRegistryOnReadFixture>
{
    [Fact]
    public async Task Renaming_the_clr_type_is_harmless_because_the_stored_name_decides()
    {
        await AppendAsync(fixture.Store, "renamed", new Greeting("hello"));

        await using var renamedStore = await TestDatabase.CreateStoreAsync(fixture.Schema, o => o.Events.Register<Salutation>("greeting"));
        await using var session = renamedStore.OpenSession("tenant-a");
        var stored = Assert.Single(await session.FetchStreamAsync("renamed"));
        Assert.Equal(new Salutation("hello"), stored.Data);
        Assert.Equal("greeting", stored.TypeName);
        Assert.Equal("greeting", await Db.ScalarAsync<string>($"SELECT type FROM {fixture.Schema}.events WHERE id = $1", stored.Id));
    }

    [Fact]
    public async Task An_upcaster_turns_old_events_into_the_new_shape_on_read_beside_new_ones()
    {
        await AppendAsync(fixture.Store, "upcast", new Greeting("hi"));

        await using var nextStore = await TestDatabase.CreateStoreAsync(fixture.Schema, o => o.Events
            .Register<GreetingV2>("greeting-v2")
            .Upcast("greeting", "greeting-v2", old => new JsonObject { ["text"] = old["message"]?.DeepClone(), ["language"] = "en" }));
        await using var session = nextStore.OpenSession("tenant-a");
        session.Append("upcast", "greetings", 1, new GreetingV2("hola", "es"));
        await session.SaveChangesAsync();

        var events = await session.FetchStreamAsync("upcast");
        Assert.Equal([new GreetingV2("hi", "en"), new GreetingV2("hola", "es")], events.Select(e => e.Data));
        Assert.Equal(["greeting", "greeting-v2"], events.Select(e => e.TypeName));
    }

    [Fact]
    public void An_upcaster_that_would_lead_back_to_its_own_name_is_refused()
    {
        var registry = new EventTypeRegistry().Register<GreetingV2>("greeting-v3");
        registry.Upcast("greeting", "greeting-v2", old => old).Upcast("greeting-v2", "greeting-v3", old => old);

        Assert.Throws<ArgumentException>(() => registry.Upcast("greeting-v3", "greeting", old => old));
        Assert.Throws<ArgumentException>(() => registry.Upcast("greeting-v2", "greeting", old => old));
        Assert.Throws<ArgumentException>(() => registry.Upcast("greeting-v3", "greeting-v3", old => old));
        Assert.Equal("greeting-v3", registry.CurrentName("greeting"));
    }

    [Fact]
    public async Task A_projection_filtering_on_the_new_name_also_reads_old_events_upcast_to_it()
    {
        await AppendAsync(fixture.Store, "filtered", new Greeting("bonjour"));

        await using var projectingStore = await TestDatabase.CreateStoreAsync(fixture.Schema, o =>
        {
            o.Events.Register<GreetingV2>("greeting-v2")
                .Upcast("greeting", "greeting-v2", old => new JsonObject { ["text"] = old["message"]?.DeepClone(), ["language"] = "fr" });
            o.AddAsyncProjection(new GreetingTexts());
        });
        await using (var session = projectingStore.OpenSession("tenant-a"))
        {
            session.Append("filtered", "greetings", 1, new GreetingV2("salut", "fr"));
            await session.SaveChangesAsync();
        }

        await projectingStore.RebuildProjectionAsync(GreetingTexts.ProjectionName);

        var texts = await Db.RowsAsync($"SELECT text FROM {fixture.Schema}.greeting_texts WHERE stream_id = 'filtered' ORDER BY seq");
        Assert.Equal(["bonjour", "salut"], texts);
    }

    [Fact]
    public void One_name_cannot_map_to_two_clr_types_nor_one_type_to_two_names()
    {
        var registry = new EventTypeRegistry().Register<Greeting>("greeting");
        Assert.Throws<ArgumentException>(() => registry.Register<Salutation>("greeting"));
        Assert.Throws<ArgumentException>(() => registry.Register<Greeting>("greeting-again"));
        Assert.Equal("greeting", registry.NameOf(typeof(Greeting)));
    }

    private static async Task AppendAsync(StreamStore store, string streamId, object data)
    {
        await using var session = store.OpenSession("tenant-a");
        session.StartStream(streamId, "greetings", data);
        await session.SaveChangesAsync();
    }
}

/// <summary>Reads only "greeting-v2": old "greeting" events reach it through their upcaster.</summary>
public sealed class GreetingTexts : IProjection
{
    public const string ProjectionName = "greeting_texts";

    public string Name => ProjectionName;
    public IReadOnlyList<ProjectionTable> Tables { get; } =
        [new(ProjectionName, "CREATE TABLE IF NOT EXISTS {table} (seq bigint PRIMARY KEY, stream_id text NOT NULL, text text NOT NULL)")];
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "greeting-v2" };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var stored in events)
        {
            await using var command = context.CreateCommand($"INSERT INTO {context.Table(Name)} (seq, stream_id, text) VALUES ($1, $2, $3)");
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = stored.Sequence });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = stored.StreamId });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = ((GreetingV2)stored.Data).Text });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
