using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class SchemaMigrationFixture : StoreFixture
{
    public static void ConfigureStore(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new StreamTotalsProjection());
    }

    protected override void Configure(StoreOptions options) => ConfigureStore(options);
}

public sealed class SchemaMigration(SchemaMigrationFixture fixture) : IClassFixture<SchemaMigrationFixture>
{
    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_the_data()
    {
        await using (var session = fixture.Store.OpenSession("tenant-a"))
        {
            session.StartStream("account-kept", "account", new Opened("Ada"));
            await session.SaveChangesAsync();
        }
        var before = await CatalogAsync(fixture.Schema);
        var identities = await IdentitiesAsync(fixture.Schema);

        await fixture.Store.MigrateAsync();
        await fixture.Store.MigrateAsync();

        Assert.Equal(before, await CatalogAsync(fixture.Schema));
        Assert.Equal(identities, await IdentitiesAsync(fixture.Schema));
        await using var reader = fixture.Store.OpenSession("tenant-a");
        Assert.Single(await reader.FetchStreamAsync("account-kept"));
    }

    [Fact]
    public async Task A_database_with_an_older_append_function_gets_the_current_one_and_loses_stale_overloads()
    {
        // What an older release leaves behind: another signature of append_events and its hash.
        await Db.ExecuteAsync($"""
            CREATE FUNCTION {fixture.Schema}.append_events(p_tenant text, p_stream text) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
            UPDATE {fixture.Schema}.schema_functions SET hash = 'from-an-older-release' WHERE name = 'append_events';
            """);

        await fixture.Store.MigrateAsync();

        var signatures = await Db.RowsAsync(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = 'append_events'",
            fixture.Schema);
        Assert.Equal($"{fixture.Schema}.append_events(text,text,text,bigint,uuid[],text[],jsonb[],jsonb)", Assert.Single(signatures));
        await using var session = fixture.Store.OpenSession("tenant-a");
        session.StartStream("account-after-upgrade", "account", new Opened("Bo"));
        Assert.Equal(1, Assert.Single(await session.SaveChangesAsync()).Version);
    }

    [Fact]
    public async Task Waiting_for_a_projection_added_without_migrating_fails_instead_of_reporting_it_caught_up()
    {
        var options = new StoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = fixture.Schema };
        SchemaMigrationFixture.ConfigureStore(options);
        options.AddAsyncProjection(new EventLogProjection("unmigrated_log"));
        await using var store = StreamStore.Create(options);
        await using (var session = store.OpenSession("tenant-a"))
        {
            session.StartStream($"account-{Guid.CreateVersion7()}", "account", new Opened("Ada"));
            await session.SaveChangesAsync();
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("unmigrated_log", refused.Message, StringComparison.Ordinal);
        Assert.Contains("MigrateAsync", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stores_migrating_one_fresh_schema_at_once_all_succeed_and_the_schema_works()
    {
        var schema = TestDatabase.NewSchemaName("m");
        var stores = Enumerable.Range(0, 3).Select(_ =>
        {
            var options = new StoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = schema };
            SchemaMigrationFixture.ConfigureStore(options);
            return StreamStore.Create(options);
        }).ToList();
        try
        {
            await Task.WhenAll(stores.Select(store => store.MigrateAsync()));

            Assert.Equal(await CatalogAsync(fixture.Schema), await CatalogAsync(schema));
            await using var writer = stores[0].OpenSession("tenant-a");
            writer.StartStream("account-1", "account", new Opened("Ada"));
            await writer.SaveChangesAsync();
            await using var reader = stores[2].OpenSession("tenant-a");
            Assert.Equal(new Opened("Ada"), Assert.Single(await reader.FetchStreamAsync("account-1")).Data);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
            await TestDatabase.DropSchemaAsync(schema);
        }
    }

    /// <summary>
    /// The catalog rows themselves: a function dropped and created again, or replaced by the same text, gets a new oid or
    /// row version (xmin) though its source reads the same, and a table rewritten gets a new file.
    /// </summary>
    private static Task<List<string>> IdentitiesAsync(string schema) => Db.RowsAsync("""
        SELECT p.proname, p.oid::text, p.xmin::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
        UNION ALL
        SELECT c.relname, c.oid::text, c.relfilenode::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1
        ORDER BY 1
        """, schema);

    /// <summary>Tables with their columns, functions with their source, and applied steps: what a migration could change.</summary>
    private static async Task<List<string>> CatalogAsync(string schema) =>
    [
        .. await Db.RowsAsync("""
            SELECT table_name, string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position)
              FROM information_schema.columns WHERE table_schema = $1 GROUP BY table_name ORDER BY table_name
            """, schema),
        .. await Db.RowsAsync("SELECT indexname, replace(indexdef, $1, '') FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname", schema),
        .. await Db.RowsAsync("""
            SELECT p.proname, md5(replace(p.prosrc, $1, '')) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = $1 ORDER BY p.proname
            """, schema),
        .. await Db.RowsAsync($"SELECT version FROM {schema}.schema_migrations ORDER BY version"),
        .. await Db.RowsAsync($"SELECT name, last_seq FROM {schema}.projection_progress ORDER BY name"),
    ];
}
