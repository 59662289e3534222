using System.CommandLine;
using Practice.Cli.Benchmarks;

namespace Practice.Cli.Commands;

/// <summary>`practice bench api`: booking throughput and latency through a running Operations API, against raw Npgsql.</summary>
internal static class BenchApiCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Base URL of the running Operations API.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var clients = CliShared.Positive(new Option<int>("--clients") { Description = "Concurrent clients, each booking its own therapist and room.", DefaultValueFactory = _ => 8 });
        var seconds = CliShared.Positive(new Option<int>("--seconds") { Description = "Measured seconds per path (HTTP, then raw).", DefaultValueFactory = _ => 10 });
        var connection = new Option<string?>("--connection") { Description = "Npgsql connection string for the raw baseline (default: Practice__ConnectionString or the ops/pg database)." };

        var command = new Command("api", "Bookings through POST /api/appointments versus the same rows inserted with raw Npgsql.")
        {
            url, clients, seconds, connection,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ApiBenchSettings(
                new Uri(parse.GetRequiredValue(url)),
                parse.GetRequiredValue(clients),
                TimeSpan.FromSeconds(parse.GetRequiredValue(seconds)),
                CliSettings.ConnectionString(parse.GetValue(connection)));
            try
            {
                await new ApiBenchmark(settings).RunAsync(cancellationToken);
                return 0;
            }
            catch (HttpRequestException exception)
            {
                await Console.Error.WriteLineAsync($"bench api: {exception.Message}");
                return 1;
            }
        });
        return command;
    }
}
