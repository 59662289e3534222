using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Outcomes;

/// <summary>A tenant with a therapist, a client and a two-goal treatment plan, arranged through the API.</summary>
public sealed record CarePlan(string Tenant, Guid TherapistId, Guid ClientId, Guid PlanId, Guid GoalId, Guid OtherGoalId)
{
    public HttpClient Therapist(OperationsApi api) => api.As(Tenant, Roles.Therapist, TherapistId);
}

public static class CarePlans
{
    public static object PlanRequest(Guid? therapistId = null) => new
    {
        therapistId,
        condition = "Upper trapezius trigger points",
        goals = new object[]
        {
            new { description = "Turn head fully without pain", targetDate = new DateOnly(2027, 1, 15) },
            new { description = "Sleep through the night", targetDate = (DateOnly?)null },
        },
    };

    public static async Task<CarePlan> ArrangeCarePlanAsync(this OperationsApi api)
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var clientId = await api.ArrangeClientAsync(tenant);
        var response = await api.As(tenant, Roles.Therapist, therapistId).PostJsonAsync($"/api/clients/{clientId}/treatment-plans", PlanRequest()).ShouldBe(HttpStatusCode.Created);
        var body = await response.ReadJsonAsync();
        var goals = body.GetProperty("goalIds").EnumerateArray().Select(g => g.GetGuid()).ToList();
        return new CarePlan(tenant, therapistId, clientId, body.GetProperty("planId").GetGuid(), goals[0], goals[1]);
    }
}
