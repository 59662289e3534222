using System.CommandLine;
using Practice.Cli.Benchmarks;

namespace Practice.Cli.Commands;

/// <summary>`practice bench store`: append throughput, projection lag and rebuild rate of the event store.</summary>
internal static class BenchStoreCommand
{
    public static Command Create()
    {
        var connection = new Option<string>("--connection")
        {
            Description = "Npgsql connection string (default: Practice__ConnectionString or the ops/pg database).",
            DefaultValueFactory = _ => CliSettings.ConnectionString(null),
        };
        var schema = new Option<string>("--schema")
        {
            Description = "Schema to drop and re-create for the run; the rebuild phase also uses <schema>_rebuild.",
            DefaultValueFactory = _ => "bench",
        };
        var writers = CliShared.Positive(new Option<int>("--writers") { Description = "Concurrent writers (tasks).", DefaultValueFactory = _ => 8 });
        var seconds = CliShared.Positive(new Option<int>("--seconds") { Description = "Measured seconds per phase.", DefaultValueFactory = _ => 10 });
        var rate = CliShared.Positive(new Option<int>("--rate") { Description = "Events per second appended during the projection-lag phase.", DefaultValueFactory = _ => 1000 });
        var rebuildEvents = CliShared.Positive(new Option<int>("--rebuild-events") { Description = "Events in the store the rebuild phase replays.", DefaultValueFactory = _ => 200_000 });

        var command = new Command("store", "Append throughput (store vs raw Npgsql), async projection lag and rebuild rate.")
        {
            connection, schema, writers, seconds, rate, rebuildEvents,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new BenchSettings(
                CliErrors.ValidConnectionString(parse.GetRequiredValue(connection)),
                parse.GetRequiredValue(schema),
                parse.GetRequiredValue(writers),
                TimeSpan.FromSeconds(parse.GetRequiredValue(seconds)),
                parse.GetRequiredValue(rate),
                parse.GetRequiredValue(rebuildEvents));
            await new StoreBenchmark(settings).RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
