using System.Collections.Immutable;

namespace Practice.Domain.Outcomes;

// NPRS: pain 0-10; NDI/ODI: disability 0-100 %; PSFS: function 0-10; PGIC: global impression 1-7.
public enum OutcomeInstrument
{
    Nprs,
    Ndi,
    Odi,
    Psfs,
    Pgic,
}

public sealed record PlanGoal(Guid GoalId, string Description, DateOnly? TargetDate);

// LoincCode is set where the instrument has one we export (NPRS: 72514-3).
public sealed record OutcomeMeasureCompleted(
    Guid ClientId, Guid MeasureId, OutcomeInstrument Instrument, decimal Score, string? LoincCode, Guid? AppointmentId, DateTimeOffset CompletedAt) : IDomainEvent;

public sealed record TreatmentPlanCreated(
    Guid ClientId, Guid PlanId, Guid TherapistId, string Condition, IReadOnlyList<PlanGoal> Goals, DateTimeOffset CreatedAt) : IDomainEvent;

public sealed record GoalAchieved(Guid ClientId, Guid PlanId, Guid GoalId, DateTimeOffset AchievedAt) : IDomainEvent;

public sealed record ClientDischarged(Guid ClientId, Guid PlanId, string Reason, DateTimeOffset DischargedAt) : IDomainEvent;

public sealed record CarePlan(ImmutableHashSet<Guid> GoalIds, ImmutableHashSet<Guid> AchievedGoalIds, bool Discharged);

// A client's outcomes and plans live on their own stream, apart from the client's identity and consents,
// so recording a measure never contends with front-desk edits of the client.
public sealed record ClientCare(ImmutableHashSet<Guid> MeasureIds, ImmutableDictionary<Guid, CarePlan> Plans) : IState<ClientCare>
{
    public static ClientCare Initial { get; } = new([], ImmutableDictionary<Guid, CarePlan>.Empty);

    public static string StreamType => "client-care";

    public static string StreamId(Guid clientId) => $"client-care-{clientId}";

    public ClientCare Apply(object @event) => @event switch
    {
        OutcomeMeasureCompleted e => this with { MeasureIds = MeasureIds.Add(e.MeasureId) },
        TreatmentPlanCreated e => this with { Plans = Plans.SetItem(e.PlanId, new([.. e.Goals.Select(g => g.GoalId)], [], false)) },
        GoalAchieved e when Plans.TryGetValue(e.PlanId, out var plan) =>
            this with { Plans = Plans.SetItem(e.PlanId, plan with { AchievedGoalIds = plan.AchievedGoalIds.Add(e.GoalId) }) },
        ClientDischarged e when Plans.TryGetValue(e.PlanId, out var plan) =>
            this with { Plans = Plans.SetItem(e.PlanId, plan with { Discharged = true }) },
        _ => this,
    };
}
