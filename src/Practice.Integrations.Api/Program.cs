using System.Security.Claims;
using Practice.EventStore;
using Practice.EventStore.Projections;
using Practice.Integrations.Api;
using Practice.Projections;
using Practice.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddPracticeDefaults("practice-integrations", options => PracticeEventTypes.Register(options.Events));

builder.Services.AddSingleton<FeedCursor>();

var app = builder.Build();
// Built now, so a bad cursor key stops the host at start rather than failing its first read.
app.Services.GetRequiredService<FeedCursor>();
app.UsePracticeDefaults();

// Bound as text, so that "abc" or a number past int's range is the same 400 naming limit as 0 or 1001.
app.MapGet("/api/feed", async (string? after, string? limit, ClaimsPrincipal caller, StreamStore store, FeedCursor cursors, CancellationToken ct) =>
{
    var tenantId = caller.TenantId();
    var position = ProjectionPosition.Start;
    // Only sealed cursors: one in clear ("tx.seq", as earlier versions returned) would let a caller probe the global order.
    if (after is not null && !cursors.TryOpen(tenantId, after, out position))
    {
        return Problems.Validation("after", "'after' must be a cursor this feed returned to this clinic.");
    }
    var size = 100;
    if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > 1000))
    {
        return Problems.Validation("limit", "'limit' is a whole number between 1 and 1000.");
    }
    var page = await store.ReadTenantFeedAsync(tenantId, position, size, storedTypes: FeedSharing.StoredTypesFor(caller, store.Options.Events), cancellationToken: ct);
    var readsClinical = FeedSharing.ReadsClinical(caller);
    return TypedResults.Ok(new FeedPage(page.Events.Select(e => CloudEvent.From(e, store.Options, CloudEvent.FeedSource, readsClinical)).ToList(), cursors.Seal(tenantId, page.Next)));
})
// A page of events discloses clinical records; an empty one, which a caught-up poller reads over and over, does not.
.AuditsAccess("feed", (http, value) => value is FeedPage { Events.Count: > 0 } page ? new AccessedRecord($"{http.Request.Query["after"]}..{page.Next}", page.ClientIds()) : null)
.RequireAuthorization(policy => policy.RequireRole(Roles.Integration, Roles.Manager))
.Produces<FeedPage>()
.ProducesValidationProblem()
.ProducesProblem(StatusCodes.Status401Unauthorized)
.ProducesProblem(StatusCodes.Status403Forbidden)
.WithTags("Feed")
.WithName("ReadFeed")
.WithSummary("The tenant's events as CloudEvents, oldest first; pass `next` back as `after` until it comes back unchanged.")
.WithDescription("An integration token reads the clinic's locations, therapists, client registrations and appointments; " +
    "clinical records need the feed:clinical scope; a manager reads every event. " +
    "A page may be empty while `next` moves on past other tenants' events and events the caller does not read: keep paging. " +
    "When `next` equals the `after` you sent, you are caught up; poll again later with the same cursor.");

app.Run();

public partial class Program;
