using System.Security.Claims;

namespace Practice.ServiceDefaults;

public static class Roles
{
    public const string FrontDesk = "front-desk";
    public const string Therapist = "therapist";
    public const string Manager = "manager";
    public const string Analyst = "analyst";
    public const string Integration = "integration";

    public static readonly IReadOnlyList<string> All = [FrontDesk, Therapist, Manager, Analyst, Integration];
}

public static class PracticeClaims
{
    public const string Tenant = "tenant";
    public const string Role = "role";
    public const string Subject = "sub";

    /// <summary>Space-separated scopes (RFC 8693 style): what the token may read beyond its role's default.</summary>
    public const string Scope = "scope";

    /// <summary>The therapist id a therapist's token speaks for.</summary>
    public const string TherapistIdClaim = "therapist_id";

    /// <summary>Every request is scoped to the tenant in the caller's token; authentication guarantees it is there.</summary>
    public static string TenantId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Tenant) ?? throw new InvalidOperationException("An authenticated caller always has a tenant claim.");

    /// <summary>Who the caller is; authentication guarantees a subject.</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Subject) ?? throw new InvalidOperationException("An authenticated caller always has a subject claim.");

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll(Scope).Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>Whether the caller reads a client's clinical record in the Operations API: the therapists and the manager, not the front desk.</summary>
    public static bool ReadsClinicalRecords(this ClaimsPrincipal user) => user.IsInRole(Roles.Therapist) || user.IsInRole(Roles.Manager);

    public static Guid? TherapistId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(TherapistIdClaim), out var id) ? id : null;
}
