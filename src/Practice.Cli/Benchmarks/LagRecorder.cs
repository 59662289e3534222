using Practice.Cli.Commands;
using System.Collections.Concurrent;
using System.Diagnostics;
using Practice.EventStore;

namespace Practice.Cli.Benchmarks;

public sealed record LagPercentiles(int Events, int Unmatched, double P50, double P95, double P99, double Max);

/// <summary>
/// Commit-to-checkpoint latency per event. A writer stamps each sequence when its commit returns; the
/// projection tags the daemon's "projection batch" activity with the sequences it applies, and that
/// activity stops only after the batch and its checkpoint have committed: that is when they are stamped.
/// </summary>
internal sealed class LagRecorder : IDisposable
{
    private const string AppliedSequences = "practice.bench.applied-sequences";
    private readonly ConcurrentDictionary<long, long> _committed = new();
    private readonly ConcurrentDictionary<long, long> _projected = new();
    private readonly ActivityListener _listener;

    public LagRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StoreInstrumentation.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Committed(long sequence) => _committed[sequence] = Stopwatch.GetTimestamp();

    public static void TagApplying(IReadOnlyList<StoredEvent> events) =>
        Activity.Current?.SetCustomProperty(AppliedSequences, events.Select(e => e.Sequence).ToArray());

    public bool AllProjected => _committed.Keys.All(_projected.ContainsKey);

    public LagPercentiles Percentiles()
    {
        var latencies = new List<double>(_committed.Count);
        foreach (var (sequence, committed) in _committed)
        {
            if (_projected.TryGetValue(sequence, out var projected))
            {
                // A daemon can beat the writer's continuation to the stamp: that is no lag at all.
                latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(committed, projected).TotalMilliseconds));
            }
        }
        latencies.Sort();
        return new LagPercentiles(latencies.Count, _committed.Count - latencies.Count,
            CliShared.Percentile(latencies, 0.50), CliShared.Percentile(latencies, 0.95), CliShared.Percentile(latencies, 0.99), latencies.Count == 0 ? double.NaN : latencies[^1]);
    }

    private void OnStopped(Activity activity)
    {
        if (activity.GetCustomProperty(AppliedSequences) is long[] sequences)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var sequence in sequences)
            {
                _projected.TryAdd(sequence, now);
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
