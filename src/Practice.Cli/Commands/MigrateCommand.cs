using System.CommandLine;
using Practice.Messaging;
using Practice.ServiceDefaults;

namespace Practice.Cli.Commands;

/// <summary>`practice migrate`: creates or upgrades the schema; safe to run again or from several machines at once.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var connection = CliSettings.ConnectionOption();
        var command = new Command("migrate", "Create or upgrade the database schema.") { connection };
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var store = CliSettings.OpenStore(result.GetValue(connection));
            await store.MigrateAsync(cancellationToken);
            await MessagingSchema.MigrateAsync(store.DataSource, store.Schema, cancellationToken);
            await AccessAudit.MigrateAsync(store.DataSource, store.Schema, cancellationToken);
            Console.WriteLine($"Schema '{store.Schema}' is up to date.");
            return 0;
        });
        return command;
    }
}
