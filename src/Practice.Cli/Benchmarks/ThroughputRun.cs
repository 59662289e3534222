using Spectre.Console;

namespace Practice.Cli.Benchmarks;

/// <summary>Shared by the writers of one phase: committed events so far and the signal to stop.</summary>
internal sealed class ThroughputRun
{
    private long _events;
    private volatile bool _stopping;

    public long Events => Interlocked.Read(ref _events);
    public bool Stopping => _stopping;

    /// <summary>Adds atomically and returns the new total, so the count doubles as a claim on a range of events.</summary>
    public long Committed(int events) => Interlocked.Add(ref _events, events);

    public void Stop() => _stopping = true;
}

/// <summary>Reports on the caller's thread: Progress&lt;T&gt; would post late updates after the work is done.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>One side of a store-versus-raw comparison: its writers and what its measured slices added up to.</summary>
internal sealed class MeasuredPath(string label, ProgressTask task, Func<int, ThroughputRun, Task> write)
{
    private readonly List<double> _sliceRates = [];

    public string Label => label;
    public ProgressTask Task => task;
    public Func<int, ThroughputRun, Task> Write => write;

    public long Events { get; private set; }
    public TimeSpan Elapsed { get; private set; }
    public double Rate => Elapsed > TimeSpan.Zero ? Events / Elapsed.TotalSeconds : 0;

    /// <summary>Events/s of each measured slice, in order.</summary>
    public IReadOnlyList<double> SliceRates => _sliceRates;

    public void Add(long events, TimeSpan elapsed)
    {
        Events += events;
        Elapsed += elapsed;
        _sliceRates.Add(events / elapsed.TotalSeconds);
    }
}
