using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class TenantIsolation(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task A_tenants_stream_is_invisible_to_another_tenant_who_can_use_the_same_id_independently()
    {
        await using var tenantA = _store.OpenSession("tenant-a");
        tenantA.StartStream("account-1", "account", new Opened("Ada"), new Deposited(10m));
        await tenantA.SaveChangesAsync();

        await using var tenantB = _store.OpenSession("tenant-b");
        Assert.Empty(await tenantB.FetchStreamAsync("account-1"));
        Assert.Null(await tenantB.FetchStreamInfoAsync("account-1"));
        Assert.Equal((Account.Initial, 0L), await tenantB.AggregateStreamAsync("account-1", Account.Initial, Account.Apply));

        // Tenant B starts "account-1" as new, unaffected by tenant A's version.
        tenantB.StartStream("account-1", "account", new Opened("Bo"));
        Assert.Equal(1, Assert.Single(await tenantB.SaveChangesAsync()).Version);

        Assert.Equal((new Account(true, "Ada", 10m), 2L), await tenantA.AggregateStreamAsync("account-1", Account.Initial, Account.Apply));
        Assert.Equal((new Account(true, "Bo", 0m), 1L), await tenantB.AggregateStreamAsync("account-1", Account.Initial, Account.Apply));
        tenantA.Append("account-1", "account", 2, new Deposited(1m));
        await tenantA.SaveChangesAsync();
        Assert.Equal(1, (await tenantB.FetchStreamInfoAsync("account-1"))!.Version);
    }

    [Fact]
    public async Task A_tenants_feed_holds_only_its_own_events_in_order_and_pages_by_position()
    {
        await using (var other = _store.OpenSession("feed-other"))
        {
            other.StartStream("shared-id", "account", new Opened("Other"), new Deposited(99m));
            await other.SaveChangesAsync();
        }
        await using (var mine = _store.OpenSession("feed-mine"))
        {
            mine.StartStream("shared-id", "account", new Opened("Mine"), new Deposited(1m), new Deposited(2m));
            await mine.SaveChangesAsync();
        }

        // The feed holds an event back while any older transaction is still open (it might commit
        // behind it), so under concurrent load the newest events appear a little later.
        await Eventually.HoldsAsync(async () => (await _store.ReadTenantFeedAsync("feed-mine", ProjectionPosition.Start, limit: 10)).Events.Count == 3,
            TimeSpan.FromSeconds(60), "the feed holds the tenant's three events");
        var firstPage = await _store.ReadTenantFeedAsync("feed-mine", ProjectionPosition.Start, limit: 2);
        var secondPage = await _store.ReadTenantFeedAsync("feed-mine", firstPage.Next, limit: 2);

        var feed = firstPage.Events.Concat(secondPage.Events).ToList();
        Assert.All(feed, e => Assert.Equal("feed-mine", e.TenantId));
        Assert.Equal([1L, 2L, 3L], feed.Select(e => e.Version));
        Assert.Equal(new Opened("Mine"), feed[0].Data);
        var pastTheEnd = await _store.ReadTenantFeedAsync("feed-mine", secondPage.Next, limit: 10);
        Assert.Empty(pastTheEnd.Events);
        Assert.Equal(secondPage.Next, pastTheEnd.Next);
    }
}
