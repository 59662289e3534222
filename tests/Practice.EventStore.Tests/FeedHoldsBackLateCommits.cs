using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed record HeldOpen(string Note);

/// <summary>An inline projection that keeps its append's transaction open, with its event written, until released.</summary>
public sealed class GateProjection : IProjection
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public string Name => "feed_gate";
    public IReadOnlyList<ProjectionTable> Tables => [];
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "held-open" };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        Entered.TrySetResult();
        await Release.Task.WaitAsync(cancellationToken);
    }
}

public sealed class FeedGateFixture : StoreFixture
{
    public GateProjection Gate { get; } = new();

    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.Events.Register<HeldOpen>("held-open");
        options.AddInlineProjection(Gate);
    }
}

/// <summary>
/// The feed's promise to partners: an event that commits after a later one is neither skipped nor read early,
/// because a page ends below the oldest transaction still open.
/// </summary>
public sealed class FeedHoldsBackLateCommits(FeedGateFixture fixture) : IClassFixture<FeedGateFixture>
{
    private const string Tenant = "feed-late";

    [Fact]
    public async Task An_event_that_commits_after_a_later_one_is_neither_skipped_nor_read_before_it()
    {
        var store = fixture.Store;
        var held = Task.Run(async () =>
        {
            await using var session = store.OpenSession(Tenant);
            session.StartStream("late-1", "late", new HeldOpen("written first, committed last"));
            await session.SaveChangesAsync();
        });
        await fixture.Gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using (var session = store.OpenSession(Tenant))
        {
            session.StartStream("account-late", "account", new Opened("written second, committed first"));
            await session.SaveChangesAsync();
        }

        // While the first is open, the second (a later transaction) must not be read: a cursor past it would skip the first.
        var whileHeld = await store.ReadTenantFeedAsync(Tenant, ProjectionPosition.Start, limit: 100);
        Assert.Empty(whileHeld.Events);

        fixture.Gate.Release.SetResult();
        await held;

        var events = new List<StoredEvent>();
        var after = whileHeld.Next;
        await Eventually.HoldsAsync(async () =>
        {
            var page = await store.ReadTenantFeedAsync(Tenant, after, limit: 100);
            events.AddRange(page.Events);
            after = page.Next;
            return events.Count >= 2;
        }, TimeSpan.FromSeconds(60), "both events reach the feed once the first commits");

        Assert.Equal(["written first, committed last", "written second, committed first"],
            events.Select(e => e.Data switch { HeldOpen h => h.Note, Opened o => o.Name, var other => other.ToString() }));
        var caughtUp = await store.ReadTenantFeedAsync(Tenant, after, limit: 100);
        Assert.Empty(caughtUp.Events);
    }
}
