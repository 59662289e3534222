using Practice.Domain.Outcomes;
using static Practice.Domain.Tests.Clinic;

namespace Practice.Domain.Tests.Outcomes;

internal static class Care
{
    public static readonly Guid PlanId = new("90000000-0000-0000-0000-000000000001");
    public static readonly Guid GoalId = new("91000000-0000-0000-0000-000000000001");
    public static readonly Guid OtherGoalId = new("91000000-0000-0000-0000-000000000002");
    public static readonly Guid MeasureId = new("92000000-0000-0000-0000-000000000001");

    public static readonly PlanGoal[] Goals =
    [
        new(GoalId, "Turn head to check blind spot without pain", new DateOnly(2026, 3, 1)),
        new(OtherGoalId, "NDI below 10 %", null),
    ];

    public static TreatmentPlanCreated PlanCreated { get; } = new(ClientId, PlanId, TherapistId, "Neck pain", Goals, Now);
}
