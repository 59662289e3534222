using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clients;

public sealed class GrantingConsentTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Written_consent_is_granted_and_reads_back()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var frontDesk = api.As(tenant, Roles.FrontDesk);

        await frontDesk.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "dry-needling", written = true }).ShouldBe(HttpStatusCode.OK);

        var client = await (await frontDesk.GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.True(client.GetProperty("consents").GetProperty("dry-needling").GetProperty("written").GetBoolean());
    }

    [Fact]
    public async Task A_minors_consent_needs_a_guardian()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant, new DateOnly(2012, 5, 1));
        var therapist = api.As(tenant, Roles.Therapist);
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "guardianName", "guardian-required");
        Assert.Equal(before, await api.CountEventsAsync());

        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true, guardianName = "Pat Parent" }).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_scope_and_a_string_for_a_boolean_are_400s_naming_the_field()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var frontDesk = api.As(tenant, Roles.FrontDesk);
        var before = await api.CountEventsAsync();

        await frontDesk.PostRawAsync($"/api/clients/{clientId}/consents", """{"scope": "everything", "written": true}""").ShouldBeProblem(HttpStatusCode.BadRequest, "scope");
        await frontDesk.PostRawAsync($"/api/clients/{clientId}/consents", """{"scope": "treatment", "written": "yes"}""").ShouldBeProblem(HttpStatusCode.BadRequest, "written");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_grant_consent_for_the_client()
    {
        var clientId = await api.ArrangeClientAsync(ClinicArrangement.NewTenant());
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.FrontDesk).PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true })
            .ShouldBeProblem(HttpStatusCode.NotFound, "clientId", "client-not-found");
        await api.CreateClient().PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true })
            .ShouldBeProblem(HttpStatusCode.Unauthorized);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
