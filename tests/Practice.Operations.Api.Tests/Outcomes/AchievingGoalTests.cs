using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Outcomes;

public sealed class AchievingGoalTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Achieved_goal_shows_on_the_plan_and_achieving_it_again_appends_nothing()
    {
        var plan = await api.ArrangeCarePlanAsync();
        var therapist = plan.Therapist(api);
        var url = $"/api/clients/{plan.ClientId}/treatment-plans/{plan.PlanId}/goals/{plan.GoalId}/achieve";

        await therapist.PostJsonAsync(url).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();
        await therapist.PostJsonAsync(url).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(before, await api.CountEventsAsync());
        var care = await (await therapist.GetAsync($"/api/clients/{plan.ClientId}/care").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal([plan.GoalId], care.GetProperty("plans").GetProperty(plan.PlanId.ToString()).GetProperty("achievedGoalIds").EnumerateArray().Select(g => g.GetGuid()));
    }

    [Fact]
    public async Task Unknown_goal_or_plan_is_a_404()
    {
        var plan = await api.ArrangeCarePlanAsync();
        var therapist = plan.Therapist(api);
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync($"/api/clients/{plan.ClientId}/treatment-plans/{plan.PlanId}/goals/{Guid.NewGuid()}/achieve")
            .ShouldBeProblem(HttpStatusCode.NotFound, "goalId", "goal-not-found");
        await therapist.PostJsonAsync($"/api/clients/{plan.ClientId}/treatment-plans/{Guid.NewGuid()}/goals/{plan.GoalId}/achieve")
            .ShouldBeProblem(HttpStatusCode.NotFound, "planId", "plan-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_achieve_the_goal_and_an_analyst_is_forbidden()
    {
        var plan = await api.ArrangeCarePlanAsync();
        var url = $"/api/clients/{plan.ClientId}/treatment-plans/{plan.PlanId}/goals/{plan.GoalId}/achieve";
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PostJsonAsync(url).ShouldBeProblem(HttpStatusCode.NotFound, code: "plan-not-found");
        await api.As(plan.Tenant, Roles.Analyst).PostJsonAsync(url).ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
