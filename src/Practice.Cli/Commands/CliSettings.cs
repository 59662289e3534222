using Practice.EventStore;
using Practice.Projections;
using Practice.ServiceDefaults;

namespace Practice.Cli.Commands;

/// <summary>Where the CLI finds the database and signing key: the same settings and environment the APIs read.</summary>
internal static class CliSettings
{
    public static string ConnectionString(string? option) => CliErrors.ValidConnectionString(
        option ?? Environment.GetEnvironmentVariable("Practice__ConnectionString") ?? PracticeSettings.DevelopmentConnectionString);

    /// <summary>The --connection option the commands that open the store share.</summary>
    public static System.CommandLine.Option<string?> ConnectionOption() =>
        new("--connection") { Description = "Npgsql connection string (default: Practice__ConnectionString or the ops/pg database)." };

    public static string Schema => Environment.GetEnvironmentVariable("Practice__Schema") ?? "practice";

    public static JwtSettings Jwt => new()
    {
        SigningKey = Environment.GetEnvironmentVariable("Practice__Jwt__SigningKey") ?? PracticeSettings.DevelopmentSigningKey,
        Issuer = Environment.GetEnvironmentVariable("Practice__Jwt__Issuer") ?? "practice",
        Audience = Environment.GetEnvironmentVariable("Practice__Jwt__Audience") ?? "practice-api",
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
