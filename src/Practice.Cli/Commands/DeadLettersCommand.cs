using System.CommandLine;
using System.Globalization;

namespace Practice.Cli.Commands;

/// <summary>
/// `practice dead-letters`: the events a projection gave up on, across all tenants, with their errors. The remedy
/// is the fix and then `practice rebuild`, which applies every event again in order; replaying one event alone
/// could put an older state back over what later events wrote.
/// </summary>
internal static class DeadLettersCommand
{
    public static Command Create()
    {
        var projection = new Option<string?>("--projection") { Description = "Only this projection's dead letters." };
        var limit = new Option<int>("--limit") { Description = "Show at most this many, oldest first.", DefaultValueFactory = _ => 50 };
        var connection = CliSettings.ConnectionOption();
        var command = new Command("dead-letters", "List the events each projection gave up on, with their errors.") { projection, limit, connection };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(limit) < 1)
            {
                Console.Error.WriteLine("--limit is 1 or more.");
                return 2;
            }
            await using var store = CliSettings.OpenStore(result.GetValue(connection));
            if (result.GetValue(projection) is { } name && store.Options.Projections.All(p => p.Name != name))
            {
                Console.Error.WriteLine($"No projection '{name}'. Known: {string.Join(", ", store.Options.Projections.Select(p => p.Name))}.");
                return 2;
            }
            var letters = await store.GetDeadLettersAsync(result.GetValue(projection), cancellationToken);
            if (letters.Count == 0)
            {
                Console.WriteLine("No dead letters.");
                return 0;
            }
            // Lines rather than a table: an error is long, and a table would wrap it to nothing in a terminal.
            foreach (var letter in letters.Take(result.GetValue(limit)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"#{letter.Id} {letter.Projection}: event {letter.EventSequence} ({letter.EventType}, {letter.EventId}) of tenant {letter.TenantId}, {letter.Attempts} attempts, failed {letter.FailedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"));
                Console.WriteLine($"    {FirstLine(letter.Error)}");
            }
            if (letters.Count > result.GetValue(limit))
            {
                Console.WriteLine($"{letters.Count - result.GetValue(limit):N0} more; --limit shows more.");
            }
            Console.WriteLine("Once the cause is fixed, practice rebuild <projection> applies every event again and leaves only those that still fail.");
            return 0;
        });
        return command;
    }

    private static string FirstLine(string error) => error.Split('\n', 2)[0].TrimEnd();
}
