using Practice.Domain.Clients;
using Practice.Domain.Outcomes;
using Practice.Domain.Outcomes.CreatingTreatmentPlan;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Outcomes.Care;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Outcomes;

public sealed class CreatingTreatmentPlanTests
{
    private static Func<ClientCare, Decision> Create(IReadOnlyList<PlanGoal>? goals = null, string condition = "Neck pain", Client? client = null, Therapist? therapist = null) =>
        care => CreateTreatmentPlanHandler.Decide(new(ClientId, PlanId, TherapistId, condition, goals ?? Goals, Now), care, client ?? Sam, therapist ?? Ana);

    [Fact]
    public void Creates_a_plan_with_goals() =>
        Given<ClientCare>()
            .When(Create())
            .Then(PlanCreated);

    [Fact]
    public void Refuses_a_plan_without_goals() =>
        Given<ClientCare>()
            .When(Create([]))
            .ThenRejects(DomainErrorCodes.InvalidValue, "goals");

    [Fact]
    public void Refuses_a_goal_without_a_description() =>
        Given<ClientCare>()
            .When(Create([new(GoalId, " ", null)]))
            .ThenRejects(DomainErrorCodes.InvalidValue, "goals");

    [Fact]
    public void Refuses_repeated_goal_ids() =>
        Given<ClientCare>()
            .When(Create([new(GoalId, "Sleep through the night", null), new(GoalId, "Drive for an hour", null)]))
            .ThenRejects(DomainErrorCodes.InvalidValue, "goals");

    [Fact]
    public void Refuses_a_blank_condition() =>
        Given<ClientCare>()
            .When(Create(condition: ""))
            .ThenRejects(DomainErrorCodes.InvalidValue, "condition");

    [Fact]
    public void Refuses_an_existing_plan() =>
        Given<ClientCare>(PlanCreated)
            .When(Create())
            .ThenRejects(DomainErrorCodes.AlreadyExists, "planId");

    [Fact]
    public void Refuses_an_unregistered_client() =>
        Given<ClientCare>()
            .When(Create(client: Client.Initial))
            .ThenRejects(DomainErrorCodes.ClientNotFound, "clientId");

    [Fact]
    public void Refuses_an_unregistered_therapist() =>
        Given<ClientCare>()
            .When(Create(therapist: Therapist.Initial))
            .ThenRejects(DomainErrorCodes.TherapistNotFound, "therapistId");
}
