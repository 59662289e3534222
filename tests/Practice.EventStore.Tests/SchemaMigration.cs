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

    // Two releases with one version and different texts would each re-create the function at every start. A change
    // to a function's text fails here until its version is raised, and the new hash written down.
    [Fact]
    public async Task Each_functions_text_is_pinned_to_its_version()
    {
        var functions = await Db.RowsAsync($"SELECT name, version, hash FROM {fixture.Schema}.schema_functions WHERE name IN ('append_events', 'check_append') ORDER BY name");

        Assert.Equal(
            [
                "append_events|1|F6C1D260D2475A8AFCF6B6464EC819121E65F1A98D03964D1C3898ACC444D94E",
                "check_append|1|30DE6B38F174E89E43975DC14885252A5AADF051BA9A90A39A5481782DE83ED8",
            ],
            functions);
    }

    // In a rolling deploy an old process can start after a new one migrated: it must not put its own text back.
    [Fact]
    public async Task A_function_of_a_newer_release_is_left_in_place()
    {
        await Db.ExecuteAsync($"""
            CREATE OR REPLACE FUNCTION {fixture.Schema}.check_append(p_tenant text, p_stream text, p_expected bigint, p_ids uuid[])
            RETURNS boolean LANGUAGE plpgsql AS $fn$ BEGIN RETURN false; END $fn$;
            COMMENT ON FUNCTION {fixture.Schema}.check_append(text, text, bigint, uuid[]) IS 'from a newer release';
            UPDATE {fixture.Schema}.schema_functions SET hash = 'from-a-newer-release', version = version + 1 WHERE name = 'check_append';
            """);
        try
        {
            await fixture.Store.MigrateAsync();

            Assert.Equal("from a newer release", await Db.ScalarAsync<string>(
                $"SELECT obj_description('{fixture.Schema}.check_append(text, text, bigint, uuid[])'::regprocedure, 'pg_proc')"));
            Assert.Equal("from-a-newer-release", await Db.ScalarAsync<string>($"SELECT hash FROM {fixture.Schema}.schema_functions WHERE name = 'check_append'"));
        }
        finally
        {
            // The other tests of this schema need this release's function back.
            await Db.ExecuteAsync($"UPDATE {fixture.Schema}.schema_functions SET version = 0 WHERE name = 'check_append'");
            await fixture.Store.MigrateAsync();
        }
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
