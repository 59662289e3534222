using Practice.Cli.Commands;
using System.Globalization;
using Spectre.Console;

namespace Practice.Cli.Benchmarks;

internal static class BenchReport
{
    private const double SingleEventRatioTarget = 0.8;
    private const double TenEventsRateTarget = 30_000;
    private const double LagP99TargetMs = 100;
    private const double RebuildRateTarget = 50_000;

    public static void Print(BenchSettings settings, BenchResults results)
    {
        var missed = new List<string>();
        var table = new Table().Title("[bold]practice bench store[/]")
            .AddColumns("Phase", "Store events/s", "Raw events/s", "Store/raw (slices)", "Target", "Met");

        var single = results.SingleEvent;
        AddRow(table, missed, $"A: 1 event/tx, {settings.Writers} writers", Rate(single.Store), Rate(single.Raw), Ratios(single),
            $"store/raw >= {SingleEventRatioTarget:0.00}", single.Ratio >= SingleEventRatioTarget);
        var ten = results.TenEvents;
        AddRow(table, missed, $"B: 10 events/tx, {settings.Writers} writers", Rate(ten.Store), Rate(ten.Raw), Ratios(ten),
            $"store >= {TenEventsRateTarget:N0} events/s", ten.Store >= TenEventsRateTarget);
        var lag = results.Lag.Percentiles;
        AddRow(table, missed, $"Projection lag at {settings.LagRate:N0} events/s", Rate(results.Lag.AchievedRate), "-", "-",
            $"p99 <= {LagP99TargetMs:0} ms (p99 {CliShared.Ms(lag.P99)} ms)", lag.P99 <= LagP99TargetMs && lag.Unmatched == 0);
        var rebuild = results.Rebuild;
        AddRow(table, missed, $"Rebuild of {rebuild.Events:N0} events", Rate(rebuild.Rate), "-", "-",
            $"rebuild >= {RebuildRateTarget:N0} events/s", rebuild.Rate >= RebuildRateTarget);
        AnsiConsole.Write(table);

        var lagTable = new Table().Title("[bold]Commit-to-checkpoint lag (ms)[/]")
            .AddColumns("Events", "p50", "p95", "p99", "max", "Never projected");
        lagTable.AddRow(lag.Events.ToString("N0", CultureInfo.InvariantCulture), CliShared.Ms(lag.P50), CliShared.Ms(lag.P95), CliShared.Ms(lag.P99), CliShared.Ms(lag.Max),
            lag.Unmatched.ToString("N0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(lagTable);

        AnsiConsole.MarkupLine($"Rebuild: {rebuild.Events:N0} events in {rebuild.Elapsed.TotalSeconds:0.00} s = [bold]{rebuild.Rate:N0} events/s[/].");
        AnsiConsole.MarkupLine($"Daemon catch-up before the lag phase: {results.Lag.CatchUpEvents:N0} events in {results.Lag.CatchUpTime.TotalSeconds:0.00} s " +
            $"= {results.Lag.CatchUpEvents / results.Lag.CatchUpTime.TotalSeconds:N0} events/s.");
        Check(missed, "projection counts match the events table after the lag phase", results.Lag.Verified);
        Check(missed, "rebuilt projection counts every event exactly once", rebuild.Verified);

        if (missed.Count == 0)
        {
            AnsiConsole.MarkupLine("[green bold]All targets met.[/]");
        }
        else
        {
            AnsiConsole.MarkupLine($"[red bold]Missed ({missed.Count}):[/] {Markup.Escape(string.Join("; ", missed))}");
        }
    }

    private static void AddRow(Table table, List<string> missed, string phase, string store, string raw, string ratio, string target, bool met)
    {
        if (!met)
        {
            missed.Add($"{phase}: {target}");
        }
        table.AddRow(Markup.Escape(phase), store, raw, ratio, Markup.Escape(target), met ? "[green]yes[/]" : "[red]NO[/]");
    }

    private static void Check(List<string> missed, string what, bool ok)
    {
        if (!ok)
        {
            missed.Add($"check failed: {what}");
        }
        AnsiConsole.MarkupLine(ok ? $"Check: {what}: [green]ok[/]" : $"Check: {what}: [red]FAILED[/]");
    }

    private static string Rate(double eventsPerSecond) => eventsPerSecond.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratios(ThroughputResult result) =>
        $"{Ratio(result.Ratio)} ({Ratio(result.LowestSliceRatio)}-{Ratio(result.HighestSliceRatio)})";

    /// <summary>Rounded down, so a ratio shown as meeting its target never failed it by a rounding.</summary>
    private static string Ratio(double ratio) => (Math.Floor(ratio * 100) / 100).ToString("0.00", CultureInfo.InvariantCulture);

}
