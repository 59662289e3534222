using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

/// <summary>Raw SQL against the test database, to check what the store really wrote.</summary>
internal static class Db
{
    public static async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static Task<long> CountAsync(string schema, string table, string where = "true") =>
        ScalarAsync<long>($"SELECT count(*) FROM {schema}.{table} WHERE {where}");

    /// <summary>Every row as one string, so whole tables compare with Assert.Equal.</summary>
    public static async Task<List<string>> RowsAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join("|", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        }
        return rows;
    }

    public static async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A store that knows the test event types and nothing else; each test class gets a schema of its own.</summary>
public sealed class TestEventsFixture : StoreFixture
{
    protected override void Configure(StoreOptions options) => TestEventTypes.Register(options);
}

/// <summary>Starts an account stream: an opening and then deposits, <paramref name="events"/> in all.</summary>
internal static class Accounts
{
    public static async Task StartAsync(StreamStore store, string streamId, int events, string tenant = "tenant-a")
    {
        await using var session = store.OpenSession(tenant);
        session.StartStream(streamId, "account", [new Opened(streamId), .. Enumerable.Range(1, events - 1).Select(i => (object)new Deposited(i))]);
        await session.SaveChangesAsync();
    }

    public static Task<long> LastSequenceAsync(string schema) => Db.ScalarAsync<long>($"SELECT max(seq) FROM {schema}.events");

    /// <summary>The sequence number the next append gets: one past the last, unless something took numbers in between.</summary>
    public static async Task<long> NextSequenceAsync(StreamStore store)
    {
        await using var session = store.OpenSession("tenant-a");
        session.StartStream($"probe-{Guid.CreateVersion7()}", "probe", new Opened("probe"));
        return Assert.Single((await session.SaveChangesAsync()).Single().Events).Sequence;
    }
}

internal static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the description once the deadline passes.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string description)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                Assert.Fail($"Timed out after {timeout} waiting until {description}.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string description) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, description);
}

/// <summary>
/// Records every event it is given, in the order given, into one table: the evidence for
/// exactly-once and ordering checks. <c>applied</c> numbers rows in the order they were applied.
/// </summary>
public sealed class EventLogProjection(string name, params string[] eventTypes) : IProjection
{
    public string Name { get; } = name;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(name, """
            CREATE TABLE IF NOT EXISTS {table} (
                applied    bigint GENERATED ALWAYS AS IDENTITY,
                seq        bigint NOT NULL,
                event_id   uuid   NOT NULL,
                tx         xid8   NOT NULL,
                stream_id  text   NOT NULL,
                version    bigint NOT NULL,
                type       text   NOT NULL);
            CREATE INDEX IF NOT EXISTS {name}_by_seq ON {table} (seq);
            """),
    ];

    public IReadOnlySet<string> EventTypes { get; } = eventTypes.ToHashSet();

    /// <summary>Rows lost and a row too many: only a rebuild that really swaps its tables in puts the log right.</summary>
    public static Task DamageAsync(string schema, string name) => Db.ExecuteAsync($"""
        DELETE FROM {schema}.{name} WHERE seq % 7 = 0;
        INSERT INTO {schema}.{name} (seq, event_id, tx, stream_id, version, type) VALUES (0, gen_random_uuid(), '0', 'bogus', 1, 'bogus');
        """);

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            INSERT INTO {context.Table(Name)} (seq, event_id, tx, stream_id, version, type)
            SELECT u.seq, u.id, u.tx::xid8, u.stream_id, u.version, u.type
              FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[])
                   WITH ORDINALITY AS u(seq, id, tx, stream_id, version, type, ord)
             ORDER BY u.ord
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Sequence).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.TransactionId.ToString(CultureInfo.InvariantCulture)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.StreamId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Version).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.TypeName).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Collects reports as they are made; Progress&lt;T&gt; would post them later, out of the caller's sight.</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(T value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}

/// <summary>A store of the test event types and one async projection, which the tests reach through the fixture.</summary>
public abstract class OneProjectionFixture<TProjection>(TProjection projection) : StoreFixture where TProjection : IProjection
{
    public TProjection Projection { get; } = projection;

    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(Projection);
    }
}

/// <summary>Counts <c>practice.projection.stalls</c> measured for one projection while it lives.</summary>
public sealed class StallCounter : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _meters = new();
    private int _stalls;

    public StallCounter(string projection)
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StoreInstrumentation.SourceName && instrument.Name == "practice.projection.stalls")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "projection", Value: string name } && name == projection)
                {
                    Interlocked.Add(ref _stalls, (int)value);
                }
            }
        });
        _meters.Start();
    }

    public int Stalls => Volatile.Read(ref _stalls);

    public void Dispose() => _meters.Dispose();
}

/// <summary>An event log that first runs what a test makes it meet: a failure, a slow statement, a hang.</summary>
public abstract class TroubledEventLog(string name) : IProjection
{
    private readonly EventLogProjection _log = new(name);

    public string Name => _log.Name;

    public IReadOnlyList<ProjectionTable> Tables => _log.Tables;

    public IReadOnlySet<string> EventTypes => _log.EventTypes;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        await MeetTroubleAsync(context, events, cancellationToken);
        await _log.ApplyAsync(context, events, cancellationToken);
    }

    protected abstract Task MeetTroubleAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);
}

/// <summary>Counts the events its store applies through the projection it wraps, in any table: the daemon's work, as the process sees it.</summary>
public sealed class ApplyCountingProjection(IProjection inner) : IProjection
{
    private int _events;
    private int _rebuilt;
    private int _held;
    private int _largestBatch;

    public int Events => Volatile.Read(ref _events);

    /// <summary>The most events the live tables were given at once.</summary>
    public int LargestBatch => Volatile.Read(ref _largestBatch);

    /// <summary>The events applied into a rebuild's fresh tables, across every store that shares this instance.</summary>
    public int EventsRebuilt => Volatile.Read(ref _rebuilt);

    /// <summary>Awaited before the first batch of the first rebuild is applied: holds that rebuild while the test looks on.</summary>
    public Func<Task>? HoldFirstRebuild { get; init; }

    public string Name => inner.Name;

    public int Version => inner.Version;

    public IReadOnlyList<ProjectionTable> Tables => inner.Tables;

    public IReadOnlySet<string> EventTypes => inner.EventTypes;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        if (context.Table(Name) != $"{context.Schema}.{Name}")
        {
            if (HoldFirstRebuild is { } hold && Interlocked.Exchange(ref _held, 1) == 0)
            {
                await hold();
            }
            Interlocked.Add(ref _rebuilt, events.Count);
        }
        else
        {
            int largest;
            while (events.Count > (largest = Volatile.Read(ref _largestBatch)) && Interlocked.CompareExchange(ref _largestBatch, events.Count, largest) != largest)
            {
            }
        }
        Interlocked.Add(ref _events, events.Count);
        await inner.ApplyAsync(context, events, cancellationToken);
    }
}
