using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Staff;

public sealed class AddingCredentialTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static object Credential(string kind = "Dry-Needling", string number = "DN-1") =>
        new { kind, jurisdiction = "CA-ON", number, expiresOn = new DateOnly(2028, 6, 30) };

    [Fact]
    public async Task Manager_adds_a_credential_and_the_therapist_holds_it()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);

        var response = await manager.PostJsonAsync($"/api/therapists/{therapistId}/credentials", Credential()).ShouldBe(HttpStatusCode.Created);

        var credentialId = (await response.ReadJsonAsync()).GetProperty("credentialId").GetGuid();
        var therapist = await (await manager.GetAsync($"/api/therapists/{therapistId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var credential = Assert.Single(therapist.GetProperty("credentials").EnumerateArray());
        Assert.Equal(credentialId, credential.GetProperty("credentialId").GetGuid());
        // Kinds are stored lower-case so matching at booking does not depend on how they were typed.
        Assert.Equal("dry-needling", credential.GetProperty("kind").GetString());
        Assert.Equal("2028-06-30", credential.GetProperty("expiresOn").GetString());
    }

    [Fact]
    public async Task Missing_number_a_bad_date_and_a_missing_field_are_400s()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        var before = await api.CountEventsAsync();

        await manager.PostJsonAsync($"/api/therapists/{therapistId}/credentials", Credential(number: "")).ShouldBeProblem(HttpStatusCode.BadRequest, "number");
        await manager.PostRawAsync($"/api/therapists/{therapistId}/credentials", """{"kind": "dry-needling", "jurisdiction": "CA-ON", "number": "1", "expiresOn": "2028-02-30"}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest, "expiresOn");
        await manager.PostRawAsync($"/api/therapists/{therapistId}/credentials", """{"kind": "dry-needling", "jurisdiction": "CA-ON", "number": "1"}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_credential_the_therapist_and_a_therapist_cannot_credential_themselves()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PostJsonAsync($"/api/therapists/{therapistId}/credentials", Credential())
            .ShouldBeProblem(HttpStatusCode.NotFound, "therapistId", "therapist-not-found");
        await api.As(tenant, Roles.Therapist, therapistId).PostJsonAsync($"/api/therapists/{therapistId}/credentials", Credential())
            .ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
