using System.Security.Claims;
using Practice.EventStore;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Audit;

public static class AuditEndpoints
{
    private const string CursorMessage = "'cursor' must be a value returned by a previous page.";

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit/access", async (Guid? clientId, string? userId, string? cursor, int? limit, ClaimsPrincipal caller, StreamStore store, CancellationToken ct) =>
        {
            if (limit is < 1 or > AccessAudit.MaxPageSize)
            {
                return Problems.Validation("limit", $"'limit' is between 1 and {AccessAudit.MaxPageSize}.");
            }
            Guid? after = null;
            if (cursor is not null)
            {
                if (!Guid.TryParse(cursor, out var parsed))
                {
                    return Problems.Validation("cursor", CursorMessage);
                }
                after = parsed;
            }
            return await AccessAudit.ReadAsync(store, caller.TenantId(), clientId, userId, after, limit ?? 100, ct) is { } page
                ? TypedResults.Ok(page)
                : Problems.Validation("cursor", CursorMessage);
        })
        .RequireAuthorization(policy => policy.RequireRole(Roles.Manager))
        .WithTags("Audit")
        .WithName("GetAccessLog")
        .WithSummary("Who read which clinical record and when, newest first; filter by clientId or userId, pass nextCursor back as cursor.");

        return api;
    }
}
