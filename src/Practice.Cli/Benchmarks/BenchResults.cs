namespace Practice.Cli.Benchmarks;

internal sealed record ThroughputResult(double Store, double Raw)
{
    public double Ratio => Raw > 0 ? Store / Raw : double.NaN;
}

internal sealed record LagResult(LagPercentiles Percentiles, double AchievedRate, long CatchUpEvents, TimeSpan CatchUpTime, bool Verified);

internal sealed record RebuildResult(long Events, TimeSpan Elapsed, bool Verified)
{
    public double Rate => Events / Elapsed.TotalSeconds;
}

internal sealed record BenchResults(ThroughputResult SingleEvent, ThroughputResult TenEvents, LagResult Lag, RebuildResult Rebuild);
