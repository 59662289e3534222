using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

/// <summary>The first event of each append says how its transaction ends: held open for a while, rolled back, or neither.</summary>
public sealed record Ticked(int Writer, int Append, int HoldMilliseconds, bool RollBack);

public sealed record Tocked(int Writer, int Append);

public sealed class RolledBackOnPurposeException() : Exception("The test rolls this append back on purpose.");

/// <summary>
/// Inline, so it runs inside the append's transaction: a sleep keeps that transaction open while
/// later ones commit (sequence numbers commit out of order), and a throw rolls the append back.
/// </summary>
public sealed class TransactionFateProjection : IProjection
{
    public string Name => "transaction_fate";
    public IReadOnlyList<ProjectionTable> Tables => [];
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "ticked" };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var ticks = events.Select(e => (Ticked)e.Data).ToList();
        var hold = ticks.Max(t => t.HoldMilliseconds);
        if (hold > 0)
        {
            await using var sleep = context.CreateCommand("SELECT pg_sleep($1)");
            sleep.Parameters.Add(new NpgsqlParameter { Value = hold / 1000.0 });
            await sleep.ExecuteNonQueryAsync(cancellationToken);
        }
        if (ticks.Any(t => t.RollBack))
        {
            throw new RolledBackOnPurposeException();
        }
    }
}

/// <summary>A subscription: side effects outside the database, here an in-memory list, for one event type only.</summary>
public sealed class TockSubscription : IProjection
{
    public ConcurrentQueue<StoredEvent> Seen { get; } = new();
    public string Name => "tock_subscription";
    public IReadOnlyList<ProjectionTable> Tables => [];
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "tocked" };

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var stored in events)
        {
            Seen.Enqueue(stored);
        }
        return Task.CompletedTask;
    }
}

public sealed class GapFreeAsyncOrderFixture : StoreFixture
{
    public TockSubscription Subscription { get; } = new();

    protected override void Configure(StoreOptions options)
    {
        options.Events.Register<Ticked>("ticked").Register<Tocked>("tocked");
        options.AddInlineProjection(new TransactionFateProjection());
        options.AddAsyncProjection(new EventLogProjection("event_log"));
        options.AddAsyncProjection(Subscription);
    }
}

public sealed class GapFreeAsyncOrder(GapFreeAsyncOrderFixture fixture) : IClassFixture<GapFreeAsyncOrderFixture>
{
    private const int Writers = 16;
    private const int AppendsPerWriter = 25;
    private const int Streams = 40;
    private const int MaxAttempts = 50;
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_rebuild_of_a_projection_without_tables_is_refused_with_a_reason()
    {
        foreach (var name in new[] { "transaction_fate", "tock_subscription" })
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.RebuildProjectionAsync(name));
            Assert.Contains("keeps no tables of its own", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Async_readers_see_every_committed_event_once_in_commit_order_and_no_rolled_back_event()
    {
        var committed = new ConcurrentDictionary<Guid, string>();
        var rolledBack = new ConcurrentBag<Guid>();
        // Small batches and quick rechecks so the daemon often reads while held transactions are still open.
        await using var daemon = _store.CreateDaemon(new DaemonOptions
        {
            BatchSize = 7,
            PollInterval = TimeSpan.FromMilliseconds(50),
            InFlightRecheck = TimeSpan.FromMilliseconds(5),
            LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
        });
        await daemon.StartAsync();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() => WriteAsync(writer, committed, rolledBack))));
        Assert.NotEmpty(rolledBack);

        await _store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(60));

        var stored = await Db.RowsAsync($"SELECT id FROM {fixture.Schema}.events ORDER BY id");
        Assert.Equal(committed.Keys.Select(Text).Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));

        var log = await ReadLogAsync();
        Assert.Equal(committed.Count, log.Count);
        Assert.Equal(committed.Keys.ToHashSet(), log.Select(e => e.Id).ToHashSet());
        Assert.Empty(log.Select(e => e.Id).Intersect(rolledBack));
        AssertInCommitOrder(log.Select(e => e.Position).ToList());
        foreach (var stream in log.GroupBy(e => e.StreamId))
        {
            // Rolled-back appends take no version, so each stream reads 1, 2, 3... in the order applied.
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version));
        }

        var tocks = fixture.Subscription.Seen.ToList();
        Assert.Equal(committed.Where(c => c.Value == "tocked").Select(c => c.Key).ToHashSet(), tocks.Select(e => e.Id).ToHashSet());
        Assert.Equal(tocks.Count, tocks.Select(e => e.Id).Distinct().Count());
        AssertInCommitOrder(tocks.Select(ProjectionPosition.Of).ToList());
        // It reads one type only, so a stream's versions have gaps; but a stream commits its versions in order, and so
        // the subscription must see them: the check that does not rest on the daemon's own sort key.
        Assert.All(tocks.GroupBy(e => e.StreamId), stream =>
            Assert.Equal(stream.Select(e => e.Version).Order(), stream.Select(e => e.Version)));
    }

    private async Task WriteAsync(int writer, ConcurrentDictionary<Guid, string> committed, ConcurrentBag<Guid> rolledBack)
    {
        var random = new Random(writer);
        var versions = new Dictionary<string, long>();
        for (var append = 0; append < AppendsPerWriter; append++)
        {
            var roll = random.NextDouble();
            var tick = new Ticked(writer, append,
                HoldMilliseconds: roll < 0.35 && random.Next(2) == 0 ? random.Next(20, 200) : 0,
                RollBack: roll < 0.15);
            var events = new List<NewEvent> { new(Guid.CreateVersion7(), tick) };
            events.AddRange(Enumerable.Range(0, random.Next(0, 3)).Select(_ => new NewEvent(Guid.CreateVersion7(), new Tocked(writer, append))));

            var streamId = $"stream-{random.Next(Streams)}";
            try
            {
                if (writer % 2 == 0)
                {
                    await AppendAtKnownVersionAsync(streamId, events, versions);
                }
                else
                {
                    await using var session = _store.OpenSession("tenant-a");
                    session.Append(streamId, "clock", ExpectedVersion.Any, events);
                    await session.SaveChangesAsync();
                }
                foreach (var e in events)
                {
                    committed[e.Id] = e.Data is Ticked ? "ticked" : "tocked";
                }
            }
            catch (RolledBackOnPurposeException)
            {
                foreach (var e in events)
                {
                    rolledBack.Add(e.Id);
                }
            }
        }
    }

    /// <summary>
    /// Appends at the version this writer last saw, as a command handler would: the plain single-statement path,
    /// racing the "any" appends of the careful path on the same streams. A conflict re-reads the version and retries.
    /// </summary>
    private async Task AppendAtKnownVersionAsync(string streamId, List<NewEvent> events, Dictionary<string, long> versions)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = _store.OpenSession("tenant-a");
            session.Append(streamId, "clock", versions.GetValueOrDefault(streamId), events);
            try
            {
                versions[streamId] = Assert.Single(await session.SaveChangesAsync()).Version;
                return;
            }
            catch (ConcurrencyException conflict) when (attempt < MaxAttempts)
            {
                Assert.Equal((streamId, versions.GetValueOrDefault(streamId)), (conflict.StreamId, conflict.ExpectedVersion));
                versions[streamId] = (await session.FetchStreamInfoAsync(streamId))?.Version ?? 0;
            }
        }
    }

    private static void AssertInCommitOrder(IReadOnlyList<ProjectionPosition> positions)
    {
        for (var i = 1; i < positions.Count; i++)
        {
            Assert.True(positions[i - 1] < positions[i], $"Position {positions[i]} was seen after {positions[i - 1]}.");
        }
    }

    private async Task<List<(ProjectionPosition Position, Guid Id, string StreamId, long Version)>> ReadLogAsync()
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT tx::text, seq, event_id, stream_id, version FROM {fixture.Schema}.event_log ORDER BY applied", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(ProjectionPosition, Guid, string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((new ProjectionPosition(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1)),
                reader.GetGuid(2), reader.GetString(3), reader.GetInt64(4)));
        }
        return rows;
    }

    private static string Text(Guid id) => id.ToString();
}
