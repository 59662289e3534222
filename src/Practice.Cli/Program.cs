using System.CommandLine;
using Practice.Cli.Commands;

var root = new RootCommand("Practice: operations tool for the event-sourced practice-management backend.")
{
    MigrateCommand.Create(),
    SeedCommand.Create(),
    TokenCommand.Create(),
    RebuildCommand.Create(),
    StatusCommand.Create(),
    BenchCommand.Create(),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception exception) when (CliErrors.Explain(exception) is { } explanation)
{
    Console.Error.WriteLine($"practice: {explanation}");
    return 1;
}
