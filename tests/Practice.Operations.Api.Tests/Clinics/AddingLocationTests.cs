using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clinics;

public sealed class AddingLocationTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<HttpClient> ManagerWithOrganisationAsync()
    {
        var manager = api.As(ClinicArrangement.NewTenant(), Roles.Manager);
        await manager.PostJsonAsync("/api/organisation", new { name = "Clinic" }).ShouldBe(HttpStatusCode.Created);
        return manager;
    }

    [Fact]
    public async Task Manager_adds_a_location_and_reads_it_back()
    {
        var manager = await ManagerWithOrganisationAsync();

        var response = await manager.PostJsonAsync("/api/locations", ClinicArrangement.LocationRequest()).ShouldBe(HttpStatusCode.Created);

        var id = (await response.ReadJsonAsync()).GetProperty("locationId").GetGuid();
        Assert.Equal($"/api/locations/{id}", response.Headers.Location?.OriginalString);
        var location = await (await manager.GetAsync($"/api/locations/{id}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal("UTC", location.GetProperty("timeZoneId").GetString());
        Assert.Equal("CA-ON", location.GetProperty("jurisdiction").GetString());
    }

    [Fact]
    public async Task Without_a_registered_organisation_the_location_is_refused()
    {
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PostJsonAsync("/api/locations", ClinicArrangement.LocationRequest())
            .ShouldBeProblem(HttpStatusCode.NotFound, "organisationId", "organisation-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Front_desk_cannot_add_a_location_but_can_read_one()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/locations", ClinicArrangement.LocationRequest()).ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.CreateClient().PostJsonAsync("/api/locations", ClinicArrangement.LocationRequest()).ShouldBeProblem(HttpStatusCode.Unauthorized);

        Assert.Equal(before, await api.CountEventsAsync());
        await api.As(tenant, Roles.FrontDesk).GetAsync($"/api/locations/{locationId}").ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_the_location()
    {
        var locationId = await api.ArrangeLocationAsync(ClinicArrangement.NewTenant());

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).GetAsync($"/api/locations/{locationId}")
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "location-not-found");
    }

    [Fact]
    public async Task Unknown_time_zone_is_a_422_naming_the_field()
    {
        var manager = await ManagerWithOrganisationAsync();
        var before = await api.CountEventsAsync();

        await manager.PostJsonAsync("/api/locations", new
        {
            name = "Nowhere", timeZoneId = "Mars/Olympus_Mons", jurisdiction = "CA-ON",
            address = new { street = "1 Main", city = "X", region = "Y", postalCode = "Z", country = "CA" },
        }).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "timeZoneId", "invalid-time-zone");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Malformed_json_a_wrong_type_and_a_missing_field_are_400s()
    {
        var manager = await ManagerWithOrganisationAsync();
        var before = await api.CountEventsAsync();

        await manager.PostRawAsync("/api/locations", "{\"name\": \"Downtown\",").ShouldBeProblem(HttpStatusCode.BadRequest, code: "malformed-json");
        await manager.PostRawAsync("/api/locations", """{"name": 42, "timeZoneId": "UTC", "jurisdiction": "CA-ON", "address": {"street": "s", "city": "c", "region": "r", "postalCode": "p", "country": "CA"}}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        await manager.PostRawAsync("/api/locations", """{"name": "Downtown", "jurisdiction": "CA-ON", "address": {"street": "s", "city": "c", "region": "r", "postalCode": "p", "country": "CA"}}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        await manager.PostJsonAsync("/api/locations", new { name = "Downtown", timeZoneId = "UTC", jurisdiction = " ", address = new { street = "s", city = "c", region = "r", postalCode = "p", country = "CA" } })
            .ShouldBeProblem(HttpStatusCode.BadRequest, "jurisdiction");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
