using System.CommandLine;
using Practice.Projections;
using Spectre.Console;

namespace Practice.Cli.Commands;

/// <summary>`practice rebuild NAME`: replays every event into fresh tables and swaps them in, with progress.</summary>
internal static class RebuildCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("projection")
        {
            Description = $"The projection to rebuild: {string.Join(", ", PracticeProjections.All.Select(p => p.Name))}.",
        };
        var connection = CliSettings.ConnectionOption();
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
            try
            {
                await AnsiConsole.Progress().StartAsync(async context =>
                {
                    var task = context.AddTask($"rebuild {projection}", maxValue: 1);
                    await store.RebuildProjectionAsync(projection, new Progress<Practice.EventStore.RebuildProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Processed;
                        task.Description = $"rebuild {projection}: {p.Processed:N0} events, {p.EventsPerSecond:N0}/s"
                            + (p.DeadLettered > 0 ? $", {p.DeadLettered:N0} failed" : "") + (p.Swapped ? ", swapped" : "");
                    }), cancellationToken);
                });
            }
            catch (InvalidOperationException exception)
            {
                Console.Error.WriteLine($"rebuild: {exception.Message}");
                return 1;
            }
            // Read back rather than taken from the progress reports, which arrive on the thread pool, maybe late.
            if ((await store.GetDeadLettersAsync(projection, cancellationToken)).Count is var failed and > 0)
            {
                Console.Error.WriteLine($"rebuild: {failed:N0} event(s) could not be applied and are recorded as dead letters of '{projection}'.");
            }
            return 0;
        });
        return command;
    }
}
