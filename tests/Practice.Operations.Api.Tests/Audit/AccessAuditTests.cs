using System.Net;
using System.Text.Json;
using Practice.Operations.Api.Tests.Charting;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Audit;

public sealed class AccessAuditTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static async Task<JsonElement> LogAsync(HttpClient manager, string query) =>
        await (await manager.GetAsync($"/api/audit/access?{query}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();

    private static string[] Records(JsonElement page) => [.. page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("record").GetString()!)];

    [Fact]
    public async Task Every_read_of_a_clients_records_is_logged_with_who_read_it_newest_first()
    {
        var session = await api.StartSessionAsync();
        var client = session.Clinic.ClientId;
        await session.Therapist.GetAsync(session.Url()).ShouldBe(HttpStatusCode.OK);
        await session.Therapist.GetAsync($"/api/clients/{client}").ShouldBe(HttpStatusCode.OK);
        await session.Therapist.GetAsync($"/api/clients/{client}/timeline").ShouldBe(HttpStatusCode.OK);
        await session.Therapist.GetAsync($"/api/clients/{client}/care").ShouldBe(HttpStatusCode.OK);
        await api.As(session.Tenant, Roles.FrontDesk).GetAsync($"/api/appointments/{session.AppointmentId}").ShouldBe(HttpStatusCode.OK);
        var manager = api.As(session.Tenant, Roles.Manager);

        var log = await LogAsync(manager, $"clientId={client}");

        Assert.Equal(["appointment", "client-care", "client-timeline", "client", "session"], Records(log));
        var entries = log.GetProperty("entries").EnumerateArray().ToArray();
        Assert.All(entries, e => Assert.Equal(client, e.GetProperty("clientId").GetGuid()));
        Assert.Equal(($"front-desk@{session.Tenant}", "front-desk"), (entries[0].GetProperty("userId").GetString(), entries[0].GetProperty("role").GetString()));
        Assert.All(entries[1..], e => Assert.Equal(($"therapist@{session.Tenant}", "therapist"), (e.GetProperty("userId").GetString(), e.GetProperty("role").GetString())));
        Assert.Equal(session.AppointmentId.ToString(), entries[4].GetProperty("recordId").GetString());
        Assert.Equal(client.ToString(), entries[3].GetProperty("recordId").GetString());
        Assert.Equal(["appointment"], Records(await LogAsync(manager, $"userId=front-desk@{session.Tenant}")));
    }

    [Fact]
    public async Task A_day_schedule_read_is_logged_for_every_client_on_it()
    {
        var session = await api.StartSessionAsync();
        var day = DateOnly.FromDateTime(api.Tomorrow(10).UtcDateTime);
        await api.WaitForViewsAsync();

        await api.As(session.Tenant, Roles.FrontDesk).GetAsync($"/api/locations/{session.Clinic.LocationId}/schedule?date={day:yyyy-MM-dd}").ShouldBe(HttpStatusCode.OK);

        var log = await LogAsync(api.As(session.Tenant, Roles.Manager), $"clientId={session.Clinic.ClientId}");
        var entry = log.GetProperty("entries").EnumerateArray().First();
        Assert.Equal("location-schedule", entry.GetProperty("record").GetString());
        Assert.Equal($"{session.Clinic.LocationId}/{day:yyyy-MM-dd}", entry.GetProperty("recordId").GetString());
    }

    [Fact]
    public async Task A_read_that_finds_nothing_is_not_logged_and_the_log_comes_in_pages()
    {
        var tenant = ClinicArrangement.NewTenant();
        var client = await api.ArrangeClientAsync(tenant);
        var frontDesk = api.As(tenant, Roles.FrontDesk);
        var manager = api.As(tenant, Roles.Manager);
        var nobody = Guid.NewGuid();
        await frontDesk.GetAsync($"/api/clients/{nobody}").ShouldBeProblem(HttpStatusCode.NotFound);
        for (var read = 0; read < 3; read++)
        {
            await frontDesk.GetAsync($"/api/clients/{client}").ShouldBe(HttpStatusCode.OK);
        }

        Assert.Empty(Records(await LogAsync(manager, $"clientId={nobody}")));
        var first = await LogAsync(manager, $"clientId={client}&limit=2");
        var second = await LogAsync(manager, $"clientId={client}&limit=2&cursor={first.GetProperty("nextCursor").GetString()}");

        Assert.Equal(2, Records(first).Length);
        Assert.Single(Records(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        var ids = first.GetProperty("entries").EnumerateArray().Concat(second.GetProperty("entries").EnumerateArray()).Select(e => e.GetProperty("id").GetGuid()).ToArray();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids[1].ToString(), first.GetProperty("nextCursor").GetString());
    }

    // A row number shared by every clinic would tell one how many reads the others had between two of its own.
    [Fact]
    public async Task An_entry_and_its_cursor_say_nothing_of_other_clinics_and_work_only_in_their_own()
    {
        var tenant = ClinicArrangement.NewTenant();
        var client = await api.ArrangeClientAsync(tenant);
        var frontDesk = api.As(tenant, Roles.FrontDesk);
        await frontDesk.GetAsync($"/api/clients/{client}").ShouldBe(HttpStatusCode.OK);
        await frontDesk.GetAsync($"/api/clients/{client}").ShouldBe(HttpStatusCode.OK);
        var page = await LogAsync(api.As(tenant, Roles.Manager), $"clientId={client}&limit=1");
        var entry = Assert.Single(page.GetProperty("entries").EnumerateArray().ToArray());
        var cursor = page.GetProperty("nextCursor").GetString()!;

        Assert.Equal(JsonValueKind.String, entry.GetProperty("id").ValueKind);
        Assert.True(Guid.TryParse(cursor, out _));
        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).GetAsync($"/api/audit/access?cursor={cursor}").ShouldBeProblem(HttpStatusCode.BadRequest, field: "cursor");
        await api.As(tenant, Roles.Manager).GetAsync($"/api/audit/access?cursor={Guid.NewGuid()}").ShouldBeProblem(HttpStatusCode.BadRequest, field: "cursor");
    }

    [Fact]
    public async Task Only_a_manager_reads_the_log_and_only_their_own_clinics()
    {
        var tenant = ClinicArrangement.NewTenant();
        var client = await api.ArrangeClientAsync(tenant);
        await api.As(tenant, Roles.FrontDesk).GetAsync($"/api/clients/{client}").ShouldBe(HttpStatusCode.OK);

        await api.As(tenant, Roles.FrontDesk).GetAsync("/api/audit/access").ShouldBe(HttpStatusCode.Forbidden);
        await api.As(tenant, Roles.Therapist, Guid.NewGuid()).GetAsync("/api/audit/access").ShouldBe(HttpStatusCode.Forbidden);
        Assert.Empty(Records(await LogAsync(api.As(ClinicArrangement.NewTenant(), Roles.Manager), $"clientId={client}")));
        Assert.Equal(["client"], Records(await LogAsync(api.As(tenant, Roles.Manager), $"clientId={client}")));
    }

    [Fact]
    public async Task A_bad_page_size_or_cursor_is_a_400()
    {
        var manager = api.As(ClinicArrangement.NewTenant(), Roles.Manager);

        await manager.GetAsync("/api/audit/access?limit=0").ShouldBeProblem(HttpStatusCode.BadRequest, field: "limit");
        await manager.GetAsync($"/api/audit/access?limit={AccessAudit.MaxPageSize + 1}").ShouldBeProblem(HttpStatusCode.BadRequest, field: "limit");
        await manager.GetAsync("/api/audit/access?cursor=abc").ShouldBeProblem(HttpStatusCode.BadRequest, field: "cursor");
    }

    [Fact]
    public async Task A_read_that_cannot_be_logged_is_not_answered()
    {
        var tenant = ClinicArrangement.NewTenant();
        var client = await api.ArrangeClientAsync(tenant);
        await RenameLogAsync("access_log", "access_log_away");
        try
        {
            var response = await api.As(tenant, Roles.FrontDesk).GetAsync($"/api/clients/{client}").ShouldBeProblem(HttpStatusCode.InternalServerError);

            Assert.DoesNotContain("1985-04-12", response.GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            await RenameLogAsync("access_log_away", "access_log");
        }
    }

    // A log kept before entries had ids of their own: every old line gets one, and so does every new line.
    [Fact]
    public async Task Migrating_an_older_log_gives_each_of_its_entries_an_id_of_its_own()
    {
        var schema = Practice.Testing.TestDatabase.NewSchemaName("audit");
        await using var store = await Practice.Testing.TestDatabase.CreateStoreAsync(schema);
        try
        {
            await using (var older = store.DataSource.CreateCommand($"""
                CREATE TABLE {schema}.access_log (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id text NOT NULL, accessed_at timestamptz NOT NULL DEFAULT now(),
                    user_id text NOT NULL, role text NOT NULL, record text NOT NULL, record_id text NOT NULL, client_id uuid, trace_id text);
                INSERT INTO {schema}.access_log (tenant_id, user_id, role, record, record_id) VALUES ('t', 'u', 'manager', 'client', 'a'), ('t', 'u', 'manager', 'client', 'b');
                """))
            {
                await older.ExecuteNonQueryAsync();
            }

            await AccessAudit.MigrateAsync(store.DataSource, schema);
            await AccessAudit.MigrateAsync(store.DataSource, schema);
            await using (var newer = store.DataSource.CreateCommand($"INSERT INTO {schema}.access_log (tenant_id, user_id, role, record, record_id) VALUES ('t', 'u', 'manager', 'client', 'c')"))
            {
                await newer.ExecuteNonQueryAsync();
            }

            var page = await AccessAudit.ReadAsync(store, "t", clientId: null, userId: null, after: null, limit: 10);
            Assert.Equal(["c", "b", "a"], page!.Entries.Select(e => e.RecordId));
            Assert.Equal(3, page.Entries.Select(e => e.Id).Where(id => id != Guid.Empty).Distinct().Count());
        }
        finally
        {
            await Practice.Testing.TestDatabase.DropSchemaAsync(schema);
        }
    }

    private async Task RenameLogAsync(string from, string to)
    {
        await using var command = api.Store.DataSource.CreateCommand($"ALTER TABLE {api.Schema}.{from} RENAME TO {to}");
        await command.ExecuteNonQueryAsync();
    }
}
