namespace Practice.Cli.Benchmarks;

internal sealed record BenchSettings(string ConnectionString, string Schema, int Writers, TimeSpan PhaseDuration, int LagRate, int RebuildEvents)
{
    public string RebuildSchema => $"{Schema}_rebuild";
}
