using System.Net;
using System.Text.Json;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clients;

public sealed class RecordingIntakeTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Therapist_records_intake_and_the_contraindications_read_back()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var therapist = api.As(tenant, Roles.Therapist);

        await therapist.PutJsonAsync($"/api/clients/{clientId}/intake",
            new { conditions = new[] { "Neck pain" }, contraindications = new[] { "anticoagulants", "needle-phobia" } }).ShouldBe(HttpStatusCode.OK);

        var client = await (await therapist.GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal(["anticoagulants", "needle-phobia"], client.GetProperty("contraindications").EnumerateArray().Select(c => c.GetString()).Order());
    }

    [Fact]
    public async Task The_front_desk_records_an_intake_but_reads_the_client_without_its_contraindications()
    {
        // The intake is clinical: the timeline hides it from the front desk, and so does the client record.
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var frontDesk = api.As(tenant, Roles.FrontDesk);
        await frontDesk.PutJsonAsync($"/api/clients/{clientId}/intake",
            new { conditions = new[] { "Neck pain" }, contraindications = new[] { "pregnancy", "epilepsy" } }).ShouldBe(HttpStatusCode.OK);

        var atDesk = await (await frontDesk.GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.False(atDesk.TryGetProperty("contraindications", out _));
        Assert.Equal(clientId, atDesk.GetProperty("clientId").GetGuid());
        Assert.Equal(JsonValueKind.Object, atDesk.GetProperty("consents").ValueKind);

        var manager = await (await api.As(tenant, Roles.Manager).GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal(["epilepsy", "pregnancy"], manager.GetProperty("contraindications").EnumerateArray().Select(c => c.GetString()).Order());
    }

    // The front desk cannot see the cautions an intake holds, so it must not replace them with a form that lacks them.
    [Fact]
    public async Task The_front_desk_takes_only_the_first_intake_and_a_therapist_updates_it()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var frontDesk = api.As(tenant, Roles.FrontDesk);
        var therapist = api.As(tenant, Roles.Therapist);
        await frontDesk.PutJsonAsync($"/api/clients/{clientId}/intake",
            new { conditions = new[] { "Neck pain" }, contraindications = Array.Empty<string>() }).ShouldBe(HttpStatusCode.OK);
        await therapist.PutJsonAsync($"/api/clients/{clientId}/intake",
            new { conditions = new[] { "Neck pain" }, contraindications = new[] { "anticoagulants" } }).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await frontDesk.PutJsonAsync($"/api/clients/{clientId}/intake",
            new { conditions = new[] { "Neck pain", "Headache" }, contraindications = Array.Empty<string>() })
            .ShouldBeProblem(HttpStatusCode.Forbidden, "clientId", "intake-already-taken");

        Assert.Equal(before, await api.CountEventsAsync());
        var client = await (await therapist.GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal(["anticoagulants"], client.GetProperty("contraindications").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Blank_condition_is_a_422_and_an_unknown_contraindication_a_400()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var frontDesk = api.As(tenant, Roles.FrontDesk);
        var before = await api.CountEventsAsync();

        await frontDesk.PutJsonAsync($"/api/clients/{clientId}/intake", new { conditions = new[] { " " }, contraindications = Array.Empty<string>() })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "conditions", "invalid-value");
        await frontDesk.PutRawAsync($"/api/clients/{clientId}/intake", """{"conditions": [], "contraindications": ["sunburn"]}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest, "contraindications[0]");
        // Read as one flag-style value, this pair would keep only needle-phobia and lose the anticoagulants caution.
        await frontDesk.PutRawAsync($"/api/clients/{clientId}/intake", """{"conditions": [], "contraindications": ["anticoagulants, needle-phobia"]}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest, "contraindications[0]");
        await frontDesk.PutRawAsync($"/api/clients/{clientId}/intake", """{"conditions": []}""").ShouldBeProblem(HttpStatusCode.BadRequest);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_record_intake_and_an_analyst_is_forbidden()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var intake = new { conditions = new[] { "Low back pain" }, contraindications = Array.Empty<string>() };
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Therapist).PutJsonAsync($"/api/clients/{clientId}/intake", intake)
            .ShouldBeProblem(HttpStatusCode.NotFound, "clientId", "client-not-found");
        await api.As(tenant, Roles.Analyst).PutJsonAsync($"/api/clients/{clientId}/intake", intake).ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
