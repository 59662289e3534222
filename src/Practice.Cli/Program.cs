using System.CommandLine;
using Practice.Cli.Commands;

var root = new RootCommand("Practice: operations tool for the event-sourced practice-management backend.")
{
    MigrateCommand.Create(),
    SeedCommand.Create(),
    TokenCommand.Create(),
    RebuildCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
