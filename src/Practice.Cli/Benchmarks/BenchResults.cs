namespace Practice.Cli.Benchmarks;

/// <summary>Overall rates, and the lowest and highest store/raw ratio of adjacent slices: how much the machine moved.</summary>
internal sealed record ThroughputResult(double Store, double Raw, double LowestSliceRatio, double HighestSliceRatio)
{
    public double Ratio => Raw > 0 ? Store / Raw : double.NaN;

    public static ThroughputResult Of(MeasuredPath store, MeasuredPath raw)
    {
        var ratios = store.SliceRates.Zip(raw.SliceRates, (s, r) => r > 0 ? s / r : double.NaN).Where(double.IsFinite).ToList();
        return new ThroughputResult(store.Rate, raw.Rate,
            ratios.Count > 0 ? ratios.Min() : double.NaN, ratios.Count > 0 ? ratios.Max() : double.NaN);
    }
}

internal sealed record LagResult(LagPercentiles Percentiles, double AchievedRate, long CatchUpEvents, TimeSpan CatchUpTime, bool Verified);

internal sealed record RebuildResult(long Events, TimeSpan Elapsed, bool Verified)
{
    public double Rate => Events / Elapsed.TotalSeconds;
}

internal sealed record BenchResults(ThroughputResult SingleEvent, ThroughputResult TenEvents, LagResult Lag, RebuildResult Rebuild);
