using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clinics;

public sealed class RegisteringOrganisationTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Manager_registers_the_organisation_and_reads_it_back()
    {
        var manager = api.As(ClinicArrangement.NewTenant(), Roles.Manager);

        var response = await manager.PostJsonAsync("/api/organisation", new { name = "  Knots & Co  " }).ShouldBe(HttpStatusCode.Created);

        Assert.Equal("/api/organisation", response.Headers.Location?.OriginalString);
        var id = (await response.ReadJsonAsync()).GetProperty("organisationId").GetGuid();
        var organisation = await (await manager.GetAsync("/api/organisation").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal(id, organisation.GetProperty("organisationId").GetGuid());
        Assert.Equal("Knots & Co", organisation.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Registering_twice_is_a_conflict_and_appends_nothing()
    {
        var manager = api.As(ClinicArrangement.NewTenant(), Roles.Manager);
        await manager.PostJsonAsync("/api/organisation", new { name = "First" }).ShouldBe(HttpStatusCode.Created);
        var before = await api.CountEventsAsync();

        await manager.PostJsonAsync("/api/organisation", new { name = "Second" }).ShouldBeProblem(HttpStatusCode.Conflict, code: "already-exists");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Each_tenant_sees_only_its_own_organisation()
    {
        var tenantA = ClinicArrangement.NewTenant();
        await api.As(tenantA, Roles.Manager).PostJsonAsync("/api/organisation", new { name = "A" }).ShouldBe(HttpStatusCode.Created);

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).GetAsync("/api/organisation").ShouldBeProblem(HttpStatusCode.NotFound, code: "organisation-not-found");
    }

    [Fact]
    public async Task Front_desk_cannot_register_and_an_anonymous_caller_is_unauthorised()
    {
        var tenant = ClinicArrangement.NewTenant();
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/organisation", new { name = "X" }).ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.CreateClient().PostJsonAsync("/api/organisation", new { name = "X" }).ShouldBeProblem(HttpStatusCode.Unauthorized);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Blank_name_is_a_400_naming_the_field()
    {
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PostJsonAsync("/api/organisation", new { name = "  " })
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name", "invalid-input");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
