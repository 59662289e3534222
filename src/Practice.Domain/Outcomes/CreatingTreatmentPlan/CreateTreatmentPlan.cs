using Practice.Domain.Clients;
using Practice.Domain.Staff;

namespace Practice.Domain.Outcomes.CreatingTreatmentPlan;

public sealed record CreateTreatmentPlan(Guid ClientId, Guid PlanId, Guid TherapistId, string Condition, IReadOnlyList<PlanGoal> Goals, DateTimeOffset Now);

public static class CreateTreatmentPlanHandler
{
    public static Decision Decide(CreateTreatmentPlan command, ClientCare care, Client client, Therapist therapist)
    {
        if (!client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.ClientNotFound, "The client is not registered.", "clientId");
        }

        if (!therapist.Exists)
        {
            return Decision.Reject(DomainErrorCodes.TherapistNotFound, "The therapist is not registered.", "therapistId");
        }

        if (care.Plans.ContainsKey(command.PlanId))
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The plan exists already.", "planId");
        }

        if (Validate.Required("condition", command.Condition) is { } error)
        {
            return error;
        }

        if (command.Goals.Count == 0 || command.Goals.Any(g => string.IsNullOrWhiteSpace(g.Description)))
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, "A plan needs goals, each with a description.", "goals");
        }

        if (command.Goals.DistinctBy(g => g.GoalId).Count() != command.Goals.Count)
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, "Goal ids must be unique.", "goals");
        }

        return Decision.Accept(new TreatmentPlanCreated(
            command.ClientId, command.PlanId, command.TherapistId, command.Condition.Trim(),
            command.Goals.Select(g => g with { Description = g.Description.Trim() }).ToList(), command.Now));
    }
}
