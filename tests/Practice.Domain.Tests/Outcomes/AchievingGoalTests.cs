using Practice.Domain.Outcomes;
using Practice.Domain.Outcomes.AchievingGoal;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Outcomes.Care;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Outcomes;

public sealed class AchievingGoalTests
{
    private static readonly GoalAchieved Achieved = new(ClientId, PlanId, GoalId, Now);

    private static Func<ClientCare, Decision> Achieve(Guid? planId = null, Guid? goalId = null) =>
        care => AchieveGoalHandler.Decide(new(ClientId, planId ?? PlanId, goalId ?? GoalId, Now), care);

    [Fact]
    public void Marks_a_goal_achieved() =>
        Given<ClientCare>(PlanCreated)
            .When(Achieve())
            .Then(Achieved);

    [Fact]
    public void Marking_it_again_changes_nothing() =>
        Given<ClientCare>(PlanCreated, Achieved)
            .When(Achieve())
            .ThenNothing();

    [Fact]
    public void Refuses_an_unknown_plan() =>
        Given<ClientCare>()
            .When(Achieve())
            .ThenRejects(DomainErrorCodes.PlanNotFound, "planId");

    [Fact]
    public void Refuses_a_goal_of_no_such_plan() =>
        Given<ClientCare>(PlanCreated)
            .When(Achieve(goalId: MeasureId))
            .ThenRejects(DomainErrorCodes.GoalNotFound, "goalId");

    [Fact]
    public void Refuses_a_plan_ended_by_discharge() =>
        Given<ClientCare>(PlanCreated, new ClientDischarged(ClientId, PlanId, "Goals met", Now))
            .When(Achieve())
            .ThenRejects(DomainErrorCodes.StatusConflict);
}
