using System.CommandLine;
using System.Globalization;
using Practice.Messaging;
using Spectre.Console;

namespace Practice.Cli.Commands;

/// <summary>
/// `practice status`: the operator's view of every projection, across all tenants: checkpoint, lag and dead letters,
/// and the scheduled commands given up.
/// The APIs show a clinic's manager only their own clinic's share of this.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var connection = CliSettings.ConnectionOption();
        var command = new Command("status", "Show each projection's checkpoint, lag and dead letters, for all tenants.") { connection };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (Console.IsOutputRedirected)
            {
                // Logs and pipes would otherwise get the table wrapped at 80 columns.
                AnsiConsole.Profile.Width = 140;
            }
            await using var store = CliSettings.OpenStore(result.GetValue(connection));
            var statuses = await store.GetProjectionStatusesAsync(cancellationToken: cancellationToken);
            var table = new Table().AddColumns("Projection", "Checkpoint", "Lag (events)", "Lag (s)", "Dead letters", "Rebuilding");
            foreach (var status in statuses)
            {
                table.AddRow(status.Name, status.Checkpoint.ToString(), status.LagEvents.ToString("N0", CultureInfo.InvariantCulture),
                    status.LagSeconds.ToString("0.0", CultureInfo.InvariantCulture), status.DeadLetters.ToString("N0", CultureInfo.InvariantCulture),
                    status.Rebuilding ? "yes" : "");
            }
            AnsiConsole.Write(table);
            long givenUp;
            try
            {
                givenUp = await ScheduledMessageRunner.CountGivenUpAsync(store.DataSource, store.Schema, cancellationToken: cancellationToken);
            }
            catch (Npgsql.PostgresException exception) when (exception.SqlState is Npgsql.PostgresErrorCodes.UndefinedColumn or Npgsql.PostgresErrorCodes.UndefinedTable)
            {
                // The APIs of an older version made this schema; the count comes with practice migrate.
                Console.WriteLine("Scheduled commands given up: not counted in this schema yet (practice migrate adds the count).");
                return 0;
            }
            Console.WriteLine($"Scheduled commands given up after {ScheduledMessageRunner.MaxAttempts} failures: {givenUp:N0}");
            if (givenUp > 0)
            {
                Console.WriteLine($"  their errors: SELECT id, tenant_id, message_type, last_error FROM {store.Schema}.scheduled_messages WHERE given_up_at IS NOT NULL");
            }
            if (statuses.Count == 0)
            {
                Console.Error.WriteLine($"status: no projection has run in schema '{store.Schema}' yet.");
            }
            return 0;
        });
        return command;
    }
}
