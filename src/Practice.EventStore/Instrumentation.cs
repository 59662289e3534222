using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Practice.EventStore;

/// <summary>The store's ActivitySource and Meter; hosts subscribe to <see cref="SourceName"/>.</summary>
public static class StoreInstrumentation
{
    public const string SourceName = "Practice.EventStore";

    internal static readonly ActivitySource ActivitySource = new(SourceName);
    internal static readonly Meter Meter = new(SourceName);

    internal static readonly Counter<long> EventsAppended =
        Meter.CreateCounter<long>("practice.events.appended", "{event}", "Events appended to streams.");
    internal static readonly Histogram<double> AppendDuration =
        Meter.CreateHistogram<double>("practice.events.append.duration", "s", "Time to append and commit one session's events.");
    internal static readonly Counter<long> ConcurrencyConflicts =
        Meter.CreateCounter<long>("practice.events.append.conflicts", "{conflict}", "Appends refused for a stale expected version.");
    internal static readonly Counter<long> ProjectedEvents =
        Meter.CreateCounter<long>("practice.projection.events", "{event}", "Events applied by async projections.");
    internal static readonly Histogram<double> ProjectionBatchDuration =
        Meter.CreateHistogram<double>("practice.projection.batch.duration", "s", "Time to apply and checkpoint one async projection batch.");
    internal static readonly Histogram<double> ProjectionLag =
        Meter.CreateHistogram<double>("practice.projection.lag", "s", "Age of a batch's oldest event when its projection applied it.");
    internal static readonly Counter<long> ProjectionStalls =
        Meter.CreateCounter<long>("practice.projection.stalls", "{stall}", "Times a projection's loop stopped on a failure other than one event's (an outage, a lost connection, a refused lead) and waits to try again.");
    internal static readonly Counter<long> DeadLetters =
        Meter.CreateCounter<long>("practice.projection.dead_letters", "{event}", "Events a projection gave up on after retries.");
}
