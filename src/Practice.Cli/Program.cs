using System.CommandLine;
using Practice.Cli.Commands;

var root = new RootCommand("Practice: operations tool for the event-sourced practice-management backend.")
{
    MigrateCommand.Create(),
    SeedCommand.Create(),
    TokenCommand.Create(),
    RebuildCommand.Create(),
    StatusCommand.Create(),
    DeadLettersCommand.Create(),
    BenchCommand.Create(),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
// An HTTP call that timed out is cancelled too, but is no Ctrl-C: it is reported as an error below.
catch (OperationCanceledException exception) when (exception.InnerException is not TimeoutException)
{
    Console.Error.WriteLine("practice: stopped.");
    return 130;
}
catch (Exception exception)
{
    // What a user can act on is explained; anything else is a fault of the tool, named with its type.
    Console.Error.WriteLine($"practice: {CliErrors.Explain(exception) ?? $"{exception.GetType().Name}: {exception.Message}"}");
    return 1;
}
