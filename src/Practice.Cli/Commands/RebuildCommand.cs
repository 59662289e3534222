using System.CommandLine;
using Spectre.Console;

namespace Practice.Cli.Commands;

/// <summary>`practice rebuild NAME`: replays every event into fresh tables and swaps them in, with progress.</summary>
internal static class RebuildCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("projection") { Description = "The projection to rebuild (see `practice rebuild --list`)." };
        var connection = new Option<string?>("--connection") { Description = "Npgsql connection string." };
        var command = new Command("rebuild", "Rebuild a projection from the first event.") { name, connection };
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var store = CliSettings.OpenStore(result.GetValue(connection));
            var projection = result.GetValue(name)!;
            if (store.Options.Projections.All(p => p.Name != projection))
            {
                Console.Error.WriteLine($"No projection '{projection}'. Known: {string.Join(", ", store.Options.Projections.Select(p => p.Name))}.");
                return 2;
            }
            await store.MigrateAsync(cancellationToken);
            await AnsiConsole.Progress().StartAsync(async context =>
            {
                var task = context.AddTask($"rebuild {projection}", maxValue: 1);
                await store.RebuildProjectionAsync(projection, new Progress<Practice.EventStore.RebuildProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Processed;
                    task.Description = $"rebuild {projection}: {p.Processed:N0} events, {p.EventsPerSecond:N0}/s{(p.Swapped ? ", swapped" : "")}";
                }), cancellationToken);
            });
            return 0;
        });
        return command;
    }
}
