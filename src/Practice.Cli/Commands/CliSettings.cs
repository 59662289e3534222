using Microsoft.Extensions.Configuration;
using Practice.EventStore;
using Practice.Projections;
using Practice.ServiceDefaults;

namespace Practice.Cli.Commands;

/// <summary>
/// Where the CLI finds the database and signing key: the environment variables the APIs read, read as .NET
/// configuration reads them (any case, "__" for ":"), so a variable the APIs accept is never ignored here.
/// </summary>
internal static class CliSettings
{
    private static readonly IConfiguration Environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public static string ConnectionString(string? option) => CliErrors.ValidConnectionString(
        option ?? Environment["Practice:ConnectionString"] ?? PracticeSettings.DevelopmentConnectionString);

    /// <summary>The --connection option the commands that open the store share.</summary>
    public static System.CommandLine.Option<string?> ConnectionOption() =>
        new("--connection") { Description = "Npgsql connection string (default: Practice__ConnectionString or the ops/pg database)." };

    public static string Schema => Environment["Practice:Schema"] ?? "practice";

    public static JwtSettings Jwt => new()
    {
        SigningKey = Environment["Practice:Jwt:SigningKey"] ?? PracticeSettings.DevelopmentSigningKey,
        Issuer = Environment["Practice:Jwt:Issuer"] ?? "practice",
        Audience = Environment["Practice:Jwt:Audience"] ?? "practice-api",
    };

    /// <summary>The store as the APIs configure it: every event type and every view.</summary>
    public static StreamStore OpenStore(string? connection)
    {
        var options = new StoreOptions { ConnectionString = ConnectionString(connection), Schema = Schema };
        PracticeEventTypes.Register(options.Events);
        foreach (var projection in PracticeProjections.All)
        {
            options.AddAsyncProjection(projection);
        }
        return StreamStore.Create(options);
    }
}
