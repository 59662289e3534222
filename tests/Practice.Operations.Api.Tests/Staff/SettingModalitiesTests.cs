using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Staff;

public sealed class SettingModalitiesTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Manager_sets_modalities_and_they_replace_the_previous_set()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        await manager.PutJsonAsync($"/api/therapists/{therapistId}/modalities", new { modalities = new[] { "swedish" } }).ShouldBe(HttpStatusCode.OK);

        await manager.PutJsonAsync($"/api/therapists/{therapistId}/modalities", new { modalities = new[] { "dry-needling", "trigger-point-therapy" } }).ShouldBe(HttpStatusCode.OK);

        var therapist = await (await manager.GetAsync($"/api/therapists/{therapistId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal(["dry-needling", "trigger-point-therapy"], therapist.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()).Order());
    }

    [Fact]
    public async Task Unknown_modality_or_an_integer_is_a_400_naming_the_field()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        var before = await api.CountEventsAsync();

        await manager.PutRawAsync($"/api/therapists/{therapistId}/modalities", """{"modalities": ["reiki"]}""").ShouldBeProblem(HttpStatusCode.BadRequest, "modalities[0]");
        // Integers would tie the contract to enum order.
        await manager.PutRawAsync($"/api/therapists/{therapistId}/modalities", """{"modalities": [1]}""").ShouldBeProblem(HttpStatusCode.BadRequest, "modalities[0]");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Two_names_joined_by_a_comma_are_a_400_not_a_third_modality()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        var before = await api.CountEventsAsync();

        await manager.PutRawAsync($"/api/therapists/{therapistId}/modalities", """{"modalities": ["swedish, deep-tissue"]}""").ShouldBeProblem(HttpStatusCode.BadRequest, "modalities[0]");
        await manager.PutRawAsync($"/api/therapists/{therapistId}/modalities", """{"modalities": ["deep-tissue,dry-needling"]}""").ShouldBeProblem(HttpStatusCode.BadRequest, "modalities[0]");

        Assert.Equal(before, await api.CountEventsAsync());
        // One name in any case, or the member name clients of earlier versions could send, still reads.
        await manager.PutRawAsync($"/api/therapists/{therapistId}/modalities", """{"modalities": ["Deep-Tissue", "MyofascialRelease"]}""").ShouldBe(HttpStatusCode.OK);
        var therapist = await (await manager.GetAsync($"/api/therapists/{therapistId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal(["deep-tissue", "myofascial-release"], therapist.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()).Order());
    }

    [Fact]
    public async Task Another_tenant_cannot_set_modalities_and_front_desk_is_forbidden()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PutJsonAsync($"/api/therapists/{therapistId}/modalities", new { modalities = new[] { "swedish" } })
            .ShouldBeProblem(HttpStatusCode.NotFound, "therapistId", "therapist-not-found");
        await api.As(tenant, Roles.FrontDesk).PutJsonAsync($"/api/therapists/{therapistId}/modalities", new { modalities = new[] { "swedish" } })
            .ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
