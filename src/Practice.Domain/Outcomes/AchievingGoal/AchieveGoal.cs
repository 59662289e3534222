namespace Practice.Domain.Outcomes.AchievingGoal;

public sealed record AchieveGoal(Guid ClientId, Guid PlanId, Guid GoalId, DateTimeOffset Now);

public static class AchieveGoalHandler
{
    public static Decision Decide(AchieveGoal command, ClientCare care)
    {
        if (!care.Plans.TryGetValue(command.PlanId, out var plan))
        {
            return Decision.Reject(DomainErrorCodes.PlanNotFound, "No such treatment plan for this client.", "planId");
        }

        if (!plan.GoalIds.Contains(command.GoalId))
        {
            return Decision.Reject(DomainErrorCodes.GoalNotFound, "No such goal in this plan.", "goalId");
        }

        if (plan.Discharged)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict, "The plan ended with a discharge.");
        }

        // Marking an achieved goal again changes nothing.
        return plan.AchievedGoalIds.Contains(command.GoalId)
            ? Decision.Accept()
            : Decision.Accept(new GoalAchieved(command.ClientId, command.PlanId, command.GoalId, command.Now));
    }
}
