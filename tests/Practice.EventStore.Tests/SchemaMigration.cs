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

    // A database of the first release: step 1 only, with events and a projection's checkpoint in it.
    [Fact]
    public async Task A_database_of_an_earlier_step_is_upgraded_in_place_keeping_its_data()
    {
        var schema = TestDatabase.NewSchemaName("upgrade");
        try
        {
            await using (var first = await TestDatabase.CreateStoreAsync(schema, SchemaMigrationFixture.ConfigureStore))
            {
                await Accounts.StartAsync(first, "account-before-the-upgrade", 3);
            }
            await Db.ExecuteAsync($"""
                UPDATE {schema}.projection_progress SET last_seq = 3;
                ALTER TABLE {schema}.projection_progress DROP COLUMN version;
                DELETE FROM {schema}.schema_migrations WHERE version > 1;
                """);

            await using var upgraded = await TestDatabase.CreateStoreAsync(schema, SchemaMigrationFixture.ConfigureStore);

            Assert.Equal(["1", "2"], await Db.RowsAsync($"SELECT version FROM {schema}.schema_migrations ORDER BY version"));
            Assert.Equal(["stream_totals|3|1"], await Db.RowsAsync($"SELECT name, last_seq, version FROM {schema}.projection_progress"));
            await using var session = upgraded.OpenSession("tenant-a");
            Assert.Equal(3, (await session.FetchStreamAsync("account-before-the-upgrade")).Count);
        }
        finally
        {
            await TestDatabase.DropSchemaAsync(schema);
        }
    }

    // Each release calls its own functions by name, so a released text must never change under that name: a
    // change is a new function (append_events_v2) and a new line here. Never edit a line of this list.
    [Fact]
    public async Task Each_released_functions_text_is_pinned_to_its_name()
    {
        var functions = await Db.RowsAsync($"SELECT name, hash FROM {fixture.Schema}.schema_functions WHERE name LIKE '%\\_v%' ORDER BY name");

        Assert.Equal(
            [
                "append_events_v1|06F38A8E09FDEF5D7BD9590D63A1156799C16B57C348933ECC65BF21044E209B",
                "check_append_v1|5001F254F294ACE30EAA41E702404DAA2CDB2FFA0AC7BDA90A29453A29100D91",
                "check_unchanged_v1|84B9AA50EC6C0CC5066BCDDE6E087C64BFE76713A98A133AFFA8DB75AEA1EBCC",
            ],
            functions);
    }

    // A process of the older release can still be appending during a rolling deploy, or run again after a rollback:
    // its functions stay, and another release's migration never puts its text under this one's name.
    [Fact]
    public async Task The_functions_of_another_release_are_left_in_place_beside_this_ones()
    {
        await Db.ExecuteAsync($"""
            CREATE FUNCTION {fixture.Schema}.check_append(p_tenant text, p_stream text, p_expected bigint, p_ids uuid[])
            RETURNS boolean LANGUAGE plpgsql AS $fn$ BEGIN RETURN false; END $fn$;
            INSERT INTO {fixture.Schema}.schema_functions (name, hash) VALUES ('check_append', 'from-an-older-release');
            """);

        try
        {
            await fixture.Store.MigrateAsync();

            Assert.Equal(
                [$"{fixture.Schema}.check_append(text,text,bigint,uuid[])", $"{fixture.Schema}.check_append_v1(text,text,bigint,uuid[])"],
                await SignaturesAsync("check_append%"));
            Assert.Equal("from-an-older-release", await Db.ScalarAsync<string>($"SELECT hash FROM {fixture.Schema}.schema_functions WHERE name = 'check_append'"));
        }
        finally
        {
            // The schema is the class's: the other tests compare its catalog before and after a migration.
            await Db.ExecuteAsync($"DROP FUNCTION {fixture.Schema}.check_append(text, text, bigint, uuid[]); DELETE FROM {fixture.Schema}.schema_functions WHERE name = 'check_append'");
        }
    }

    [Fact]
    public async Task A_changed_text_of_this_releases_append_function_is_re_created_without_stale_overloads()
    {
        // What a build before this one's release left: another signature under the same name, and another hash.
        await Db.ExecuteAsync($"""
            CREATE FUNCTION {fixture.Schema}.append_events_v1(p_tenant text, p_stream text) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
            UPDATE {fixture.Schema}.schema_functions SET hash = 'from-an-earlier-build' WHERE name = 'append_events_v1';
            """);

        await fixture.Store.MigrateAsync();

        Assert.Equal([$"{fixture.Schema}.append_events_v1(text,text,text,bigint,uuid[],text[],jsonb[],jsonb)"], await SignaturesAsync("append_events_v1"));
        await using var session = fixture.Store.OpenSession("tenant-a");
        session.StartStream("account-after-upgrade", "account", new Opened("Bo"));
        Assert.Equal(1, Assert.Single(await session.SaveChangesAsync()).Version);
    }

    private Task<List<string>> SignaturesAsync(string namePattern) => Db.RowsAsync(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname LIKE $2 ORDER BY 1",
        fixture.Schema, namePattern);

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
