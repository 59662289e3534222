using Npgsql;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

/// <summary>Writes, for each event, which version of its code wrote the row; version 2 also adds a column.</summary>
internal sealed class VersionedLogProjection(int version) : IProjection
{
    public const string ProjectionName = "versioned_log";

    public string Name => ProjectionName;

    public int Version => version;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(ProjectionName, version == 1
            ? "CREATE TABLE IF NOT EXISTS {table} (event_id uuid PRIMARY KEY, written_by int NOT NULL)"
            : "CREATE TABLE IF NOT EXISTS {table} (event_id uuid PRIMARY KEY, written_by int NOT NULL, stream_id text NOT NULL)"),
    ];

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>();

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand(version == 1
            ? $"INSERT INTO {context.Table(ProjectionName)} (event_id, written_by) SELECT unnest($1::uuid[]), $2"
            : $"INSERT INTO {context.Table(ProjectionName)} (event_id, written_by, stream_id) SELECT unnest($1::uuid[]), $2, unnest($3::text[])");
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        if (version > 1)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.StreamId).ToArray() });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed class ProjectionVersions : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DaemonOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(50), LeaderRetryInterval = TimeSpan.FromMilliseconds(100) };
    private readonly string _schema = TestDatabase.NewSchemaName("versions");

    public Task InitializeAsync() => TestDatabase.EnsureReachableAsync();

    public Task DisposeAsync() => TestDatabase.DropSchemaAsync(_schema);

    private Task<StreamStore> StoreRunningAsync(int version) => TestDatabase.CreateStoreAsync(_schema, options =>
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new VersionedLogProjection(version));
    });

    private Task<List<string>> WrittenByAsync() =>
        Db.RowsAsync($"SELECT written_by, count(*) FROM {_schema}.{VersionedLogProjection.ProjectionName} GROUP BY written_by ORDER BY written_by");

    [Fact]
    public async Task Newer_code_rebuilds_the_read_model_before_going_on_and_older_code_leaves_it_alone()
    {
        await using var oldCode = await StoreRunningAsync(1);
        await using (var daemon = oldCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await Accounts.StartAsync(oldCode, "before-the-upgrade", 5);
            await oldCode.WaitForNonStaleProjectionsAsync(Timeout);
        }
        Assert.Equal(["1|5"], await WrittenByAsync());

        // The new code's tables have a column the live table lacks: only a rebuild gives it one.
        await using var newCode = await StoreRunningAsync(2);
        await Accounts.StartAsync(newCode, "during-the-upgrade", 3);
        await using (var daemon = newCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await newCode.WaitForNonStaleProjectionsAsync(Timeout);
        }
        Assert.Equal(["2|8"], await WrittenByAsync());
        Assert.Equal(0, await Db.ScalarAsync<long>($"SELECT count(*) FROM {_schema}.{VersionedLogProjection.ProjectionName} WHERE stream_id IS NULL"));
        Assert.Equal(2, await Db.ScalarAsync<int>($"SELECT version FROM {_schema}.projection_progress WHERE name = $1", VersionedLogProjection.ProjectionName));

        // An old process still running in a rolling deploy writes nothing into the new tables.
        await using (var daemon = oldCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await Accounts.StartAsync(oldCode, "after-the-upgrade", 2);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(["2|8"], await WrittenByAsync());

        await using (var daemon = newCode.CreateDaemon(Fast))
        {
            await daemon.StartAsync();
            await newCode.WaitForNonStaleProjectionsAsync(Timeout);
        }
        Assert.Equal(["2|10"], await WrittenByAsync());
    }
}
