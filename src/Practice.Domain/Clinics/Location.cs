using System.Collections.Immutable;

namespace Practice.Domain.Clinics;

public sealed record Address(string Street, string City, string Region, string PostalCode, string Country);

// Jurisdiction (e.g. "CA-ON") decides which credentials are valid here.
public sealed record LocationAdded(
    Guid LocationId, Guid OrganisationId, string Name, string TimeZoneId, string Jurisdiction, Address Address, DateTimeOffset AddedAt) : IDomainEvent;

public sealed record RoomAdded(Guid LocationId, Guid RoomId, string Name, DateTimeOffset AddedAt) : IDomainEvent;

// Replaces the whole weekly timetable; times are local to the location's time zone.
public sealed record OpeningHoursSet(Guid LocationId, IReadOnlyList<WeeklyHours> Hours, DateTimeOffset SetAt) : IDomainEvent;

// Rooms and opening hours live on the location stream: they change rarely and always with the location in view.
public sealed record Location(
    bool Exists,
    Guid LocationId,
    Guid OrganisationId,
    string TimeZoneId,
    string Jurisdiction,
    ImmutableHashSet<Guid> RoomIds,
    IReadOnlyList<WeeklyHours> OpeningHours) : IState<Location>
{
    public static Location Initial { get; } = new(false, Guid.Empty, Guid.Empty, "UTC", "", [], []);

    public static string StreamType => "location";

    public static string StreamId(Guid locationId) => $"location-{locationId}";

    // Time zone data comes from the runtime's database, not from I/O per call; the id was checked when added.
    public DateTime ToLocal(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId)).DateTime;

    // The calendar day that keys the TherapistDay and RoomDay streams.
    public DateOnly LocalDateOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant));

    public bool IsOpen(DateTimeOffset start, DateTimeOffset end) => WeeklyHours.Cover(OpeningHours, ToLocal(start), ToLocal(end));

    public Location Apply(object @event) => @event switch
    {
        LocationAdded e => this with
        {
            Exists = true,
            LocationId = e.LocationId,
            OrganisationId = e.OrganisationId,
            TimeZoneId = e.TimeZoneId,
            Jurisdiction = e.Jurisdiction,
        },
        RoomAdded e => this with { RoomIds = RoomIds.Add(e.RoomId) },
        OpeningHoursSet e => this with { OpeningHours = e.Hours },
        _ => this,
    };
}
