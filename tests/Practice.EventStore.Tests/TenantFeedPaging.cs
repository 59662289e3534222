using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

/// <summary>
/// A feed read walks a bounded window of all tenants' events, so a tenant's cursor moves on even when the
/// window held none of its events. A window of ten stands in for the default, so a few dozen events span several.
/// </summary>
public sealed class TenantFeedPaging(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private const int Window = 10;
    private readonly StreamStore _store = fixture.Store;
    private readonly string _schema = fixture.Schema;

    [Fact]
    public async Task A_tenant_with_no_events_gets_empty_pages_whose_cursor_moves_on_until_it_is_caught_up()
    {
        // Two and a half windows of another tenant's events.
        var others = await AppendOneByOneAsync("quiet-other", 25);
        await AllVisibleAsync();

        var pages = await PageToTheEndAsync("quiet-nobody", limit: 5);

        Assert.All(pages, page => Assert.Empty(page.Events));
        Assert.True(pages[^1].Next >= ProjectionPosition.Of(others[^1]),
            $"The cursor stopped at {pages[^1].Next}, before the other tenant's last event at {ProjectionPosition.Of(others[^1])}.");
        // Each read walks a full window until the last, so the cost of catching up is known in advance.
        var all = await Db.CountAsync(_schema, "events");
        Assert.InRange(pages.Count, 4, all / Window + 2);
    }

    [Fact]
    public async Task A_tenant_whose_events_are_spread_over_several_windows_gets_each_of_them_once_in_order()
    {
        // One of mine, two of theirs, each in its own transaction: a window of ten holds three or four of mine.
        var mine = new List<StoredEvent>();
        var theirs = new List<StoredEvent>();
        for (var i = 0; i < 12; i++)
        {
            mine.AddRange(await AppendOneByOneAsync("spread-mine", 1, firstVersion: i));
            theirs.AddRange(await AppendOneByOneAsync("spread-theirs", 2, firstVersion: 2 * i));
        }
        await AllVisibleAsync();

        var pages = await PageToTheEndAsync("spread-mine", limit: 2);

        Assert.Equal(mine.Select(e => e.Id), pages.SelectMany(p => p.Events).Select(e => e.Id));
        Assert.Equal(Enumerable.Range(1, 12).Select(v => (long)v), pages.SelectMany(p => p.Events).Select(e => e.Version));
        Assert.True(pages[^1].Next >= ProjectionPosition.Of(theirs[^1]), "The cursor stopped before the other tenant's last event.");
    }

    [Fact]
    public async Task A_full_page_ends_at_its_last_event_and_a_shorter_one_where_the_window_ended()
    {
        var mine = await AppendOneByOneAsync("limit-mine", 3);
        var theirs = await AppendOneByOneAsync("limit-theirs", 3);
        await AllVisibleAsync();

        // The window holds all three of mine: a full page cannot say the third was seen.
        var full = await _store.ReadTenantFeedAsync("limit-mine", ProjectionPosition.Start, limit: 2, scanWindow: 1000);
        Assert.Equal(mine.Take(2).Select(e => e.Id), full.Events.Select(e => e.Id));
        Assert.Equal(ProjectionPosition.Of(mine[1]), full.Next);

        // A page that is not full holds all of mine in the window, so it ends where the window did.
        var rest = await _store.ReadTenantFeedAsync("limit-mine", full.Next, limit: 2, scanWindow: 1000);
        Assert.Equal([mine[2].Id], rest.Events.Select(e => e.Id));
        Assert.Equal(ProjectionPosition.Of(theirs[^1]), rest.Next);

        var caughtUp = await _store.ReadTenantFeedAsync("limit-mine", rest.Next, limit: 2, scanWindow: 1000);
        Assert.Empty(caughtUp.Events);
        Assert.Equal(rest.Next, caughtUp.Next);
    }

    /// <summary>Appends to the tenant's one stream, an event per transaction, and returns them as stored.</summary>
    private async Task<IReadOnlyList<StoredEvent>> AppendOneByOneAsync(string tenant, int count, long firstVersion = 0)
    {
        const string streamId = "account-1";
        for (var version = firstVersion; version < firstVersion + count; version++)
        {
            await using var session = _store.OpenSession(tenant);
            if (version == 0)
            {
                session.StartStream(streamId, "account", new Opened(tenant));
            }
            else
            {
                session.Append(streamId, "account", version, new Deposited(version));
            }
            await session.SaveChangesAsync();
        }
        await using var reader = _store.OpenSession(tenant);
        return [.. (await reader.FetchStreamAsync(streamId)).Skip((int)firstVersion)];
    }

    /// <summary>
    /// The feed holds an event back while any older transaction on the cluster is open; waiting until none
    /// is held back makes each window's contents, and so each page, deterministic.
    /// </summary>
    private Task AllVisibleAsync() =>
        Eventually.HoldsAsync(async () => await Db.CountAsync(_schema, "events", "tx >= pg_snapshot_xmin(pg_current_snapshot())") == 0,
            TimeSpan.FromSeconds(60), "every appended event is below the feed's safe head");

    /// <summary>Pages from the start as a client does: until <c>Next</c> equals the cursor it was given.</summary>
    private async Task<List<TenantFeedPage>> PageToTheEndAsync(string tenant, int limit)
    {
        var pages = new List<TenantFeedPage>();
        var after = ProjectionPosition.Start;
        while (true)
        {
            var page = await _store.ReadTenantFeedAsync(tenant, after, limit, scanWindow: Window);
            pages.Add(page);
            if (page.Next == after)
            {
                return pages;
            }
            Assert.True(page.Next > after, $"The cursor went back from {after} to {page.Next}.");
            Assert.True(pages.Count < 100, "The feed did not catch up within 100 pages.");
            after = page.Next;
        }
    }
}
