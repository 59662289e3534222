using System.Net.Sockets;
using Npgsql;

namespace Practice.Cli.Commands;

/// <summary>A mistake in what the tool was given, told to the user in one line.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>Turns the failures a user can act on into one clear line instead of a stack trace.</summary>
internal static class CliErrors
{
    public static string? Explain(Exception exception) => exception switch
    {
        CliUsageException usage => usage.Message,
        PostgresException { SqlState: "28P01" or "28000" or "3D000" } refused =>
            $"PostgreSQL refused the connection: {refused.MessageText}. Check --connection or Practice__ConnectionString.",
        PostgresException { SqlState: "42P01" } missing =>
            $"the database has no such table ({missing.MessageText}); run practice migrate first.",
        NpgsqlException { InnerException: SocketException or TimeoutException } or NpgsqlException { IsTransient: true } =>
            $"cannot reach PostgreSQL ({exception.Message}). Start it with ops/pg start, or give --connection or Practice__ConnectionString.",
        OperationCanceledException { InnerException: TimeoutException } => "the API did not answer in time (100 s); is it running and reachable at --url?",
        _ => null,
    };

    public static string ValidConnectionString(string connectionString)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host))
            {
                throw new CliUsageException("the connection string names no Host");
            }
            return connectionString;
        }
        catch (ArgumentException invalid)
        {
            throw new CliUsageException($"the connection string is not valid: {invalid.Message}");
        }
    }
}
