using System.CommandLine;

namespace Practice.Cli.Commands;

/// <summary>`practice bench`: measurements against a real PostgreSQL, each with its raw-Npgsql baseline.</summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmarks against a real PostgreSQL, compared with raw Npgsql in the same run.")
    {
        BenchStoreCommand.Create(),
        BenchApiCommand.Create(),
    };
}
