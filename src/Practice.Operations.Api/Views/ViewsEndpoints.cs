using System.Security.Claims;
using Practice.Domain;
using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Staff;
using Practice.EventStore;
using Practice.Messaging;
using Practice.Projections.ClientTimeline;
using Practice.Projections.DaySchedule;
using Practice.Projections.TherapistWorkload;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Views;

/// <summary>
/// The read side: client timeline, therapist workload and a location's day schedule. They come from
/// async projections, so they may trail a command by the projection lag (milliseconds; see /health/ready).
/// </summary>
public static class ViewsEndpoints
{
    public const int MaxWorkloadDays = 371;

    public static CommandRegistry AddViewsHandlers(this CommandRegistry registry) => registry;

    public static RouteGroupBuilder MapViews(this RouteGroupBuilder api)
    {
        var views = api.MapGroup("/").WithTags("Views");

        views.MapGet("/clients/{clientId:guid}/timeline", async (Guid clientId, int? pageSize, string? cursor, ClaimsPrincipal caller, StreamStore store, CancellationToken ct) =>
        {
            if (pageSize is < 1 or > ClientTimelineQueries.MaxPageSize)
            {
                return Problems.Validation("pageSize", $"'pageSize' is between 1 and {ClientTimelineQueries.MaxPageSize}.");
            }
            if (!await ExistsAsync(store, caller, Client.StreamId(clientId), ct))
            {
                return NotFound("client", DomainErrorCodes.ClientNotFound);
            }
            try
            {
                // Clinical facts (findings, techniques, pain, notes) are not the front desk's to read.
                var page = await ClientTimelineQueries.GetPageAsync(store.DataSource, store.Schema, caller.TenantId(), clientId,
                    pageSize ?? 50, cursor, includeClinical: caller.ReadsClinicalRecords(), ct);
                return TypedResults.Ok(page);
            }
            catch (ArgumentException exception) when (exception.ParamName == "cursor")
            {
                return Problems.Validation("cursor", "'cursor' must be a value returned by a previous page.");
            }
        })
        .AuditsClientAccess("client-timeline")
        .RequireAuthorization(policy => policy.RequireRole(Roles.FrontDesk, Roles.Therapist, Roles.Manager))
        .WithName("GetClientTimeline")
        .WithSummary("Everything that happened to a client, newest first; pass nextCursor back as cursor for older entries.");

        views.MapGet("/therapists/{therapistId:guid}/workload", (Guid therapistId, IsoDate from, IsoDate to, string? by, ClaimsPrincipal caller, StreamStore store, CancellationToken ct) =>
            GetWorkloadAsync(therapistId, from.Value, to.Value, by, caller, store, ct))
        .RequireAuthorization(policy => policy.RequireRole(Roles.Therapist, Roles.Manager))
        .WithName("GetTherapistWorkload")
        .WithSummary("Booked, delivered and high-pressure hands-on minutes, sessions, cancellations, no-shows and utilisation per day or ISO week.");

        views.MapGet("/locations/{locationId:guid}/schedule", async (Guid locationId, IsoDate date, ClaimsPrincipal caller, StreamStore store, CancellationToken ct) =>
        {
            if (!await ExistsAsync(store, caller, Location.StreamId(locationId), ct))
            {
                return NotFound("location", DomainErrorCodes.LocationNotFound);
            }
            return TypedResults.Ok(await DayScheduleQueries.GetDayAsync(store.DataSource, store.Schema, caller.TenantId(), locationId, date.Value, ct));
        })
        .AuditsAccess("location-schedule", (http, value) => new AccessedRecord($"{http.Request.RouteValues["locationId"]}/{http.Request.Query["date"]}",
            value is IReadOnlyList<ScheduledAppointment> day ? [.. day.Select(a => a.ClientId)] : []))
        .RequireAuthorization(policy => policy.RequireRole(Roles.FrontDesk, Roles.Therapist, Roles.Manager))
        .WithName("GetDaySchedule")
        .WithSummary("A location's appointments on one local date, in start order.");

        return api;
    }

    /// <summary>Read models answer only for ids the caller's tenant has; anything else is a 404, whoever owns it.</summary>
    private static async Task<bool> ExistsAsync(StreamStore store, ClaimsPrincipal caller, string streamId, CancellationToken ct)
    {
        await using var session = store.OpenSession(caller.TenantId());
        return await session.FetchStreamInfoAsync(streamId, ct) is not null;
    }

    /// <summary>The last Sunday of the calendar: the end of its last whole ISO week.</summary>
    private static async Task<IResult> GetWorkloadAsync(Guid therapistId, DateOnly from, DateOnly to, string? by, ClaimsPrincipal caller, StreamStore store, CancellationToken ct)
    {
        if (to < from)
        {
            return Problems.Validation("to", "'to' is on or after 'from'.");
        }
        // Npgsql sends the calendar's first and last days as -infinity and infinity, and no day series ends there.
        if (from == DateOnly.MinValue)
        {
            return Problems.Validation("from", $"'from' is after {DateOnly.MinValue:yyyy-MM-dd}.");
        }
        if (to == DateOnly.MaxValue)
        {
            return Problems.Validation("to", $"'to' is before {DateOnly.MaxValue:yyyy-MM-dd}.");
        }
        if (to.DayNumber - from.DayNumber >= MaxWorkloadDays)
        {
            return Problems.Validation("to", $"A workload covers at most {MaxWorkloadDays} days.");
        }
        if (by is not (null or "day" or "week"))
        {
            return Problems.Validation("by", "'by' is 'day' or 'week'.");
        }
        // Weeks are read whole (Monday to Sunday), so the span actually queried is the range widened to ISO weeks,
        // which the last days of the calendar cannot be.
        if (by == "week" && WeekStart(from) == DateOnly.MinValue)
        {
            return Problems.Validation("from", $"A weekly workload starts by {FirstWeeklyDay:yyyy-MM-dd}.");
        }
        if (by == "week" && to > LastWeeklyDay)
        {
            return Problems.Validation("to", $"A weekly workload ends by {LastWeeklyDay:yyyy-MM-dd}.");
        }
        if (by == "week" && WeekEnd(to).DayNumber - WeekStart(from).DayNumber >= MaxWorkloadDays)
        {
            return Problems.Validation("to", $"A weekly workload covers at most {MaxWorkloadDays / 7} ISO weeks.");
        }
        // A therapist sees their own workload; managers see everyone's.
        if (!caller.IsInRole(Roles.Manager) && caller.TherapistId() != therapistId)
        {
            return Problems.Result(StatusCodes.Status403Forbidden, "Forbidden", "A therapist sees only their own workload.");
        }
        if (!await ExistsAsync(store, caller, Therapist.StreamId(therapistId), ct))
        {
            return NotFound("therapist", DomainErrorCodes.TherapistNotFound);
        }
        return by == "week"
            ? TypedResults.Ok(await TherapistWorkloadQueries.GetWeeksAsync(store.DataSource, store.Schema, caller.TenantId(), therapistId, from, to, ct))
            : Results.Ok(await TherapistWorkloadQueries.GetDaysAsync(store.DataSource, store.Schema, caller.TenantId(), therapistId, from, to, ct));
    }

    private static readonly DateOnly FirstWeeklyDay = WeekStart(DateOnly.MinValue.AddDays(7));

    private static readonly DateOnly LastWeeklyDay = WeekStart(DateOnly.MaxValue.AddDays(-6)).AddDays(6);

    private static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private static DateOnly WeekEnd(DateOnly day) => WeekStart(day).AddDays(6);

    private static IResult NotFound(string what, string code) =>
        Problems.Result(StatusCodes.Status404NotFound, "Not found", $"No such {what}.", code: code);
}
