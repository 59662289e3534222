using System.CommandLine;
using Practice.ServiceDefaults;

namespace Practice.Cli.Commands;

/// <summary>`practice token`: a development bearer token for a tenant and role.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant (clinic organisation) id.", DefaultValueFactory = _ => "demo" };
        var role = new Option<string>("--role") { Description = $"One of: {string.Join(", ", Roles.All)}.", DefaultValueFactory = _ => Roles.Manager };
        var therapist = new Option<Guid?>("--therapist-id") { Description = "For the therapist role: the therapist the token speaks for." };
        var hours = new Option<int>("--hours") { Description = "Lifetime in hours.", DefaultValueFactory = _ => 12 };
        var subject = new Option<string?>("--subject")
        {
            Description = "Who the token speaks for (its sub), as the access log and Idempotency-Key scoping see them. " +
                "Default: therapist:<id>@<tenant> for a therapist, <role>@<tenant> otherwise, which everyone with that token shares.",
        };
        var scope = new Option<string[]>("--scope")
        {
            Description = "What the token may read beyond its role's default; repeatable. feed:clinical lets an integration read clinical records from the feed.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("token", "Print a development bearer token.") { tenant, role, therapist, hours, subject, scope };
        command.SetAction(result =>
        {
            var roleName = result.GetValue(role)!;
            if (!Roles.All.Contains(roleName))
            {
                Console.Error.WriteLine($"Unknown role '{roleName}'; one of: {string.Join(", ", Roles.All)}.");
                return 2;
            }
            if (result.GetValue(hours) is < 1 or > 24 * 366)
            {
                Console.Error.WriteLine("--hours is a whole number of hours from 1 to 8784 (a year).");
                return 2;
            }
            // Without it the token is refused on every call a therapist makes.
            if (roleName == Roles.Therapist && result.GetValue(therapist) is null)
            {
                Console.Error.WriteLine("A therapist's token needs --therapist-id, the therapist it speaks for.");
                return 2;
            }
            if (result.GetValue(subject) is { } named && string.IsNullOrWhiteSpace(named))
            {
                Console.Error.WriteLine("--subject names the person the token speaks for; it cannot be blank.");
                return 2;
            }
            var tenantId = result.GetValue(tenant)!;
            var therapistId = result.GetValue(therapist);
            var sub = result.GetValue(subject)?.Trim()
                ?? (roleName == Roles.Therapist ? $"therapist:{therapistId}@{tenantId}" : $"{roleName}@{tenantId}");
            Console.WriteLine(TokenIssuer.Issue(CliSettings.Jwt, tenantId, roleName, sub, TimeSpan.FromHours(result.GetValue(hours)), therapistId,
                result.GetValue(scope)));
            return 0;
        });
        return command;
    }
}
