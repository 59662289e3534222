using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Outcomes;

public sealed class CreatingTreatmentPlanTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Therapist_creates_a_plan_and_the_care_record_holds_its_goals()
    {
        var plan = await api.ArrangeCarePlanAsync();

        var care = await (await plan.Therapist(api).GetAsync($"/api/clients/{plan.ClientId}/care").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var goalIds = care.GetProperty("plans").GetProperty(plan.PlanId.ToString()).GetProperty("goalIds").EnumerateArray().Select(g => g.GetGuid());
        Assert.Equal(new[] { plan.GoalId, plan.OtherGoalId }.Order(), goalIds.Order());
    }

    [Fact]
    public async Task Manager_names_the_therapist_and_must_name_one()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var clientId = await api.ArrangeClientAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        var before = await api.CountEventsAsync();

        // A manager's token speaks for no therapist, so the plan's owner must be in the request.
        await manager.PostJsonAsync($"/api/clients/{clientId}/treatment-plans", CarePlans.PlanRequest()).ShouldBeProblem(HttpStatusCode.BadRequest, "therapistId");
        Assert.Equal(before, await api.CountEventsAsync());

        await manager.PostJsonAsync($"/api/clients/{clientId}/treatment-plans", CarePlans.PlanRequest(therapistId)).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_therapist_cannot_create_a_plan_under_another_therapists_name()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var otherTherapistId = Guid.NewGuid();
        var clientId = await api.ArrangeClientAsync(tenant);
        var therapist = api.As(tenant, Roles.Therapist, therapistId);
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync($"/api/clients/{clientId}/treatment-plans", CarePlans.PlanRequest(otherTherapistId)).ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
        await therapist.PostJsonAsync($"/api/clients/{clientId}/treatment-plans", CarePlans.PlanRequest(therapistId)).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_plan_without_goals_or_with_a_blank_goal_is_a_400()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var clientId = await api.ArrangeClientAsync(tenant);
        var therapist = api.As(tenant, Roles.Therapist, therapistId);
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync($"/api/clients/{clientId}/treatment-plans", new { condition = "Neck", goals = Array.Empty<object>() })
            .ShouldBeProblem(HttpStatusCode.BadRequest, "goals");
        await therapist.PostJsonAsync($"/api/clients/{clientId}/treatment-plans", new { condition = "Neck", goals = new[] { new { description = "" } } })
            .ShouldBeProblem(HttpStatusCode.BadRequest, "goals");
        await therapist.PostRawAsync($"/api/clients/{clientId}/treatment-plans", """{"condition": "Neck", "goals": [{"description": "Turn head", "targetDate": "soon"}]}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest, "goals[0].targetDate");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenants_client_is_not_found_and_front_desk_is_forbidden()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = await api.ArrangeClientAsync(tenant);
        var otherTenant = ClinicArrangement.NewTenant();
        var otherTherapist = await api.ArrangeTherapistAsync(otherTenant);
        var before = await api.CountEventsAsync();

        await api.As(otherTenant, Roles.Therapist, otherTherapist).PostJsonAsync($"/api/clients/{clientId}/treatment-plans", CarePlans.PlanRequest())
            .ShouldBeProblem(HttpStatusCode.NotFound, "clientId", "client-not-found");
        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/clients/{clientId}/treatment-plans", CarePlans.PlanRequest(otherTherapist))
            .ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
