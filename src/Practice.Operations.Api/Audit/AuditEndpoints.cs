using System.Globalization;
using System.Security.Claims;
using Practice.EventStore;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Audit;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit/access", async (Guid? clientId, string? userId, string? cursor, int? limit, ClaimsPrincipal caller, StreamStore store, CancellationToken ct) =>
        {
            if (limit is < 1 or > AccessAudit.MaxPageSize)
            {
                return Problems.Validation("limit", $"'limit' is between 1 and {AccessAudit.MaxPageSize}.");
            }
            long? before = null;
            if (cursor is not null)
            {
                if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    return Problems.Validation("cursor", "'cursor' must be a value returned by a previous page.");
                }
                before = parsed;
            }
            return TypedResults.Ok(await AccessAudit.ReadAsync(store, caller.TenantId(), clientId, userId, before, limit ?? 100, ct));
        })
        .RequireAuthorization(policy => policy.RequireRole(Roles.Manager))
        .WithTags("Audit")
        .WithName("GetAccessLog")
        .WithSummary("Who read which clinical record and when, newest first; filter by clientId or userId, pass nextCursor back as cursor.");

        return api;
    }
}
