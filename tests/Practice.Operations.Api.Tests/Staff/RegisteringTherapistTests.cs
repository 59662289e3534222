using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Staff;

public sealed class RegisteringTherapistTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Manager_registers_a_therapist_at_a_location_and_reads_it_back()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);

        var response = await manager.PostJsonAsync("/api/therapists", new { name = "Terry", locationIds = new[] { locationId } }).ShouldBe(HttpStatusCode.Created);

        var id = (await response.ReadJsonAsync()).GetProperty("therapistId").GetGuid();
        Assert.Equal($"/api/therapists/{id}", response.Headers.Location?.OriginalString);
        var therapist = await (await manager.GetAsync($"/api/therapists/{id}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal([locationId], therapist.GetProperty("locationIds").EnumerateArray().Select(l => l.GetGuid()));
    }

    [Fact]
    public async Task Another_tenants_location_is_not_found_and_nothing_is_appended()
    {
        var foreignLocation = await api.ArrangeLocationAsync(ClinicArrangement.NewTenant());
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PostJsonAsync("/api/therapists", new { name = "Terry", locationIds = new[] { foreignLocation } })
            .ShouldBeProblem(HttpStatusCode.NotFound, "locationIds", "location-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_read_the_therapist()
    {
        var therapistId = await api.ArrangeTherapistAsync(ClinicArrangement.NewTenant());

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).GetAsync($"/api/therapists/{therapistId}")
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "therapist-not-found");
    }

    [Fact]
    public async Task Front_desk_and_therapists_cannot_register_therapists()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/therapists", new { name = "T", locationIds = new[] { locationId } }).ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.As(tenant, Roles.Therapist).PostJsonAsync("/api/therapists", new { name = "T", locationIds = new[] { locationId } }).ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.CreateClient().PostJsonAsync("/api/therapists", new { name = "T", locationIds = new[] { locationId } }).ShouldBeProblem(HttpStatusCode.Unauthorized);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Empty_ids_no_locations_and_a_non_guid_are_400s_naming_the_field()
    {
        var tenant = ClinicArrangement.NewTenant();
        await api.ArrangeLocationAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        var before = await api.CountEventsAsync();

        await manager.PostJsonAsync("/api/therapists", new { name = "T", locationIds = new[] { Guid.Empty } }).ShouldBeProblem(HttpStatusCode.BadRequest, "locationIds");
        await manager.PostJsonAsync("/api/therapists", new { name = "T", locationIds = Array.Empty<Guid>() }).ShouldBeProblem(HttpStatusCode.BadRequest, "locationIds");
        await manager.PostRawAsync("/api/therapists", """{"name": "T", "locationIds": ["not-a-guid"]}""").ShouldBeProblem(HttpStatusCode.BadRequest, "locationIds[0]");
        await manager.PostRawAsync("/api/therapists", """{"name": "T"}""").ShouldBeProblem(HttpStatusCode.BadRequest);
        await manager.PostRawAsync("/api/therapists", "not json").ShouldBeProblem(HttpStatusCode.BadRequest, code: "malformed-json");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
