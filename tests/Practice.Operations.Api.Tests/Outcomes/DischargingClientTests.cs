using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Outcomes;

public sealed class DischargingClientTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Discharged_plan_reads_back_as_discharged_and_its_goals_are_closed()
    {
        var plan = await api.ArrangeCarePlanAsync();
        var therapist = plan.Therapist(api);

        await therapist.PostJsonAsync($"/api/clients/{plan.ClientId}/discharge", new { planId = plan.PlanId, reason = "Goals met" }).ShouldBe(HttpStatusCode.OK);

        var care = await (await therapist.GetAsync($"/api/clients/{plan.ClientId}/care").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.True(care.GetProperty("plans").GetProperty(plan.PlanId.ToString()).GetProperty("discharged").GetBoolean());
        var before = await api.CountEventsAsync();
        await therapist.PostJsonAsync($"/api/clients/{plan.ClientId}/treatment-plans/{plan.PlanId}/goals/{plan.GoalId}/achieve")
            .ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");
        await therapist.PostJsonAsync($"/api/clients/{plan.ClientId}/discharge", new { planId = plan.PlanId, reason = "Again" })
            .ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Missing_reason_an_empty_plan_id_and_a_non_guid_are_400s_naming_the_field()
    {
        var plan = await api.ArrangeCarePlanAsync();
        var therapist = plan.Therapist(api);
        var url = $"/api/clients/{plan.ClientId}/discharge";
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync(url, new { planId = plan.PlanId, reason = " " }).ShouldBeProblem(HttpStatusCode.BadRequest, "reason");
        await therapist.PostJsonAsync(url, new { planId = Guid.Empty, reason = "Done" }).ShouldBeProblem(HttpStatusCode.BadRequest, "planId");
        await therapist.PostRawAsync(url, """{"planId": 17, "reason": "Done"}""").ShouldBeProblem(HttpStatusCode.BadRequest, "planId");
        await therapist.PostRawAsync(url, """{"planId": """).ShouldBeProblem(HttpStatusCode.BadRequest, code: "malformed-json");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_discharge_and_front_desk_is_forbidden()
    {
        var plan = await api.ArrangeCarePlanAsync();
        var body = new { planId = plan.PlanId, reason = "Moved away" };
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Therapist).PostJsonAsync($"/api/clients/{plan.ClientId}/discharge", body)
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "plan-not-found");
        await api.As(plan.Tenant, Roles.FrontDesk).PostJsonAsync($"/api/clients/{plan.ClientId}/discharge", body).ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
