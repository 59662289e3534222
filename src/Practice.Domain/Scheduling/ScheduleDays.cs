using System.Collections.Immutable;
using System.Globalization;

namespace Practice.Domain.Scheduling;

// Until includes the buffer after the session.
public sealed record Slot(DateTimeOffset From, DateTimeOffset Until)
{
    public bool Overlaps(Slot other) => From < other.Until && other.From < Until;
}

public sealed record TherapistSlotReserved(
    Guid TherapistId, DateOnly Day, Guid AppointmentId, Guid LocationId, DateTimeOffset From, DateTimeOffset Until) : IDomainEvent;

public sealed record TherapistSlotReleased(Guid TherapistId, DateOnly Day, Guid AppointmentId) : IDomainEvent;

public sealed record RoomSlotReserved(
    Guid RoomId, DateOnly Day, Guid AppointmentId, Guid LocationId, DateTimeOffset From, DateTimeOffset Until) : IDomainEvent;

public sealed record RoomSlotReleased(Guid RoomId, DateOnly Day, Guid AppointmentId) : IDomainEvent;

// One therapist's reservations on one local day. A booking appends here in the same transaction as the
// appointment, so two concurrent overlapping bookings race on this stream's version and one loses.
public sealed record TherapistDay(ImmutableDictionary<Guid, Slot> Slots) : IState<TherapistDay>
{
    public static TherapistDay Initial { get; } = new(ImmutableDictionary<Guid, Slot>.Empty);

    public static string StreamType => "therapist-day";

    public static string StreamId(Guid therapistId, DateOnly day) =>
        $"therapist-day-{therapistId}-{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public bool IsFree(Slot slot, Guid forAppointmentId) =>
        !Slots.Any(s => s.Key != forAppointmentId && s.Value.Overlaps(slot));

    public TherapistDay Apply(object @event) => @event switch
    {
        TherapistSlotReserved e => new(Slots.SetItem(e.AppointmentId, new(e.From, e.Until))),
        TherapistSlotReleased e => new(Slots.Remove(e.AppointmentId)),
        _ => this,
    };
}

// One room's reservations on one local day; same reasoning as TherapistDay.
public sealed record RoomDay(ImmutableDictionary<Guid, Slot> Slots) : IState<RoomDay>
{
    public static RoomDay Initial { get; } = new(ImmutableDictionary<Guid, Slot>.Empty);

    public static string StreamType => "room-day";

    public static string StreamId(Guid roomId, DateOnly day) =>
        $"room-day-{roomId}-{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public bool IsFree(Slot slot, Guid forAppointmentId) =>
        !Slots.Any(s => s.Key != forAppointmentId && s.Value.Overlaps(slot));

    public RoomDay Apply(object @event) => @event switch
    {
        RoomSlotReserved e => new(Slots.SetItem(e.AppointmentId, new(e.From, e.Until))),
        RoomSlotReleased e => new(Slots.Remove(e.AppointmentId)),
        _ => this,
    };
}
