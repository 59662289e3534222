using Practice.EventStore.Projections;
using Practice.Projections.ClientTimeline;
using Practice.Projections.DaySchedule;
using Practice.Projections.TherapistWorkload;

namespace Practice.Projections;

/// <summary>Every read model of the practice; hosts register them with AddAsyncProjection. The instances hold no state.</summary>
public static class PracticeProjections
{
    public static IReadOnlyList<IProjection> All { get; } =
    [
        new ClientTimelineProjection(),
        new TherapistWorkloadProjection(),
        new DayScheduleProjection(),
    ];
}
