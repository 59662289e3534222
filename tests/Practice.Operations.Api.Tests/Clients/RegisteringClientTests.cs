using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clients;

public sealed class RegisteringClientTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Front_desk_registers_a_client_and_a_therapist_reads_it_back()
    {
        var tenant = ClinicArrangement.NewTenant();

        var response = await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/clients", ClinicArrangement.ClientRequest()).ShouldBe(HttpStatusCode.Created);

        var id = (await response.ReadJsonAsync()).GetProperty("clientId").GetGuid();
        Assert.Equal($"/api/clients/{id}", response.Headers.Location?.OriginalString);
        var client = await (await api.As(tenant, Roles.Therapist).GetAsync($"/api/clients/{id}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal("1985-04-12", client.GetProperty("dateOfBirth").GetString());
    }

    [Fact]
    public async Task Date_of_birth_in_the_future_is_a_422_naming_the_field()
    {
        var before = await api.CountEventsAsync();

        // The test clock reads 2026-11-23.
        await api.As(ClinicArrangement.NewTenant(), Roles.FrontDesk).PostJsonAsync("/api/clients", ClinicArrangement.ClientRequest(dateOfBirth: new DateOnly(2027, 1, 1)))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "dateOfBirth", "invalid-value");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Malformed_mistyped_and_incomplete_bodies_are_400s()
    {
        var frontDesk = api.As(ClinicArrangement.NewTenant(), Roles.FrontDesk);
        var before = await api.CountEventsAsync();

        await frontDesk.PostRawAsync("/api/clients", """{"name": "Alex", """).ShouldBeProblem(HttpStatusCode.BadRequest, code: "malformed-json");
        await frontDesk.PostRawAsync("/api/clients", """{"name": "Alex", "dateOfBirth": 19850412}""").ShouldBeProblem(HttpStatusCode.BadRequest, "dateOfBirth");
        await frontDesk.PostRawAsync("/api/clients", """{"dateOfBirth": "1985-04-12"}""").ShouldBeProblem(HttpStatusCode.BadRequest);
        await frontDesk.PostJsonAsync("/api/clients", ClinicArrangement.ClientRequest(name: " ")).ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        await frontDesk.PostJsonAsync("/api/clients", ClinicArrangement.ClientRequest(name: "Al\0ex")).ShouldBeProblem(HttpStatusCode.BadRequest, code: "nul-character");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Therapists_cannot_register_clients_and_another_tenant_cannot_read_one()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.Therapist).PostJsonAsync("/api/clients", ClinicArrangement.ClientRequest()).ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.CreateClient().GetAsync($"/api/clients/{clientId}").ShouldBeProblem(HttpStatusCode.Unauthorized);
        await api.As(ClinicArrangement.NewTenant(), Roles.FrontDesk).GetAsync($"/api/clients/{clientId}").ShouldBeProblem(HttpStatusCode.NotFound, code: "client-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
