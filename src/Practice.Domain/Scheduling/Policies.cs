namespace Practice.Domain.Scheduling;

// Passed in by the caller (clinic configuration), so deciders stay pure.
// BufferAfter keeps the therapist and the room free after each session (cleaning, notes).
public sealed record SchedulingPolicy(TimeSpan MinimumNotice, TimeSpan MaximumHorizon, TimeSpan BufferAfter)
{
    public static SchedulingPolicy Default { get; } = new(TimeSpan.FromHours(2), TimeSpan.FromDays(90), TimeSpan.FromMinutes(15));
}

// Fee percentages are shares of the session price; billing turns them into money.
public sealed record CancellationPolicy(TimeSpan LateWindow, int LateCancellationFeePercent, int NoShowFeePercent)
{
    public static CancellationPolicy Default { get; } = new(TimeSpan.FromHours(24), 50, 100);
}
