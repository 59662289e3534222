using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clients;

public sealed class WithdrawingConsentTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Guid ClientId)> ClientWithDryNeedlingConsentAsync()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "dry-needling", written = true }).ShouldBe(HttpStatusCode.OK);
        return (tenant, clientId);
    }

    [Fact]
    public async Task Withdrawn_consent_is_gone()
    {
        var (tenant, clientId) = await ClientWithDryNeedlingConsentAsync();
        var therapist = api.As(tenant, Roles.Therapist);

        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents/dry-needling/withdraw").ShouldBe(HttpStatusCode.OK);

        var client = await (await therapist.GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.False(client.GetProperty("consents").TryGetProperty("dry-needling", out _));
    }

    [Fact]
    public async Task Withdrawing_a_consent_never_given_is_a_422()
    {
        var (tenant, clientId) = await ClientWithDryNeedlingConsentAsync();
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/clients/{clientId}/consents/sensitive-areas/withdraw")
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "scope", "consent-not-granted");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Unknown_scope_in_the_route_is_a_400_naming_scope()
    {
        var (tenant, clientId) = await ClientWithDryNeedlingConsentAsync();
        var before = await api.CountEventsAsync();

        // PascalCase is not the contract's spelling; only the kebab-case names are.
        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/clients/{clientId}/consents/DryNeedling/withdraw")
            .ShouldBeProblem(HttpStatusCode.BadRequest, "scope");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_withdraw_and_an_analyst_is_forbidden()
    {
        var (tenant, clientId) = await ClientWithDryNeedlingConsentAsync();
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.FrontDesk).PostJsonAsync($"/api/clients/{clientId}/consents/dry-needling/withdraw")
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "client-not-found");
        await api.As(tenant, Roles.Analyst).PostJsonAsync($"/api/clients/{clientId}/consents/dry-needling/withdraw").ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
