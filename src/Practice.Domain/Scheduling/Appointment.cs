using Practice.Domain.Staff;

namespace Practice.Domain.Scheduling;

// FHIR Appointment.status words; Noshow is FHIR's "noshow".
public enum AppointmentStatus
{
    None,
    Booked,
    Arrived,
    Fulfilled,
    Cancelled,
    Noshow,
}

public enum CancelledBy
{
    Client,
    Clinic,
}

// Day: the location's local date of Start, which keys the TherapistDay and RoomDay streams.
public sealed record AppointmentBooked(
    Guid AppointmentId,
    Guid LocationId,
    Guid RoomId,
    Guid TherapistId,
    Guid ClientId,
    Modality Modality,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateOnly Day,
    DateTimeOffset BookedAt) : IDomainEvent;

public sealed record AppointmentRescheduled(
    Guid AppointmentId,
    Guid LocationId,
    Guid RoomId,
    Guid TherapistId,
    Guid ClientId,
    DateTimeOffset PreviousStart,
    DateTimeOffset PreviousEnd,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateOnly Day,
    DateTimeOffset RescheduledAt) : IDomainEvent;

public sealed record AppointmentConfirmed(Guid AppointmentId, Guid ClientId, Guid TherapistId, DateTimeOffset ConfirmedAt) : IDomainEvent;

public sealed record AppointmentCheckedIn(Guid AppointmentId, Guid ClientId, Guid TherapistId, Guid LocationId, DateTimeOffset ArrivedAt) : IDomainEvent;

// Late: inside the policy's late window. FeePercent is what is charged: zero when not late, when the clinic
// cancelled, or when waived (FeeWaiverReason says why).
public sealed record AppointmentCancelled(
    Guid AppointmentId,
    Guid ClientId,
    Guid TherapistId,
    Guid LocationId,
    DateTimeOffset Start,
    CancelledBy CancelledBy,
    string Reason,
    bool Late,
    int FeePercent,
    string? FeeWaiverReason,
    DateTimeOffset CancelledAt) : IDomainEvent;

public sealed record AppointmentMarkedNoShow(
    Guid AppointmentId,
    Guid ClientId,
    Guid TherapistId,
    Guid LocationId,
    DateTimeOffset Start,
    int FeePercent,
    string? FeeWaiverReason,
    DateTimeOffset MarkedAt) : IDomainEvent;

// Emitted by completing the treatment session (Charting), appended to the appointment stream. Modality is the booked
// one; ModalitiesUsed those the session's techniques used, what billing charges (null in events recorded before it was kept).
public sealed record AppointmentFulfilled(
    Guid AppointmentId, Guid ClientId, Guid TherapistId, Guid LocationId, Modality Modality, DateTimeOffset FulfilledAt,
    IReadOnlyList<Modality>? ModalitiesUsed = null) : IDomainEvent;

// What a cancellation or no-show costs the client, as a share of the session price; WaiverReason says why it is zero.
public sealed record AppointmentFee(int Percent, bool Late, string? WaiverReason);

public sealed record Appointment(
    AppointmentStatus Status,
    Guid AppointmentId,
    Guid LocationId,
    Guid RoomId,
    Guid TherapistId,
    Guid ClientId,
    Modality Modality,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateOnly Day,
    bool Confirmed,
    AppointmentFee? Fee = null) : IState<Appointment>
{
    public static Appointment Initial { get; } =
        new(AppointmentStatus.None, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, default, default, default, default, false);

    public static string StreamType => "appointment";

    public static string StreamId(Guid appointmentId) => $"appointment-{appointmentId}";

    public bool Exists => Status != AppointmentStatus.None;

    public Appointment Apply(object @event) => @event switch
    {
        AppointmentBooked e => new(
            AppointmentStatus.Booked, e.AppointmentId, e.LocationId, e.RoomId, e.TherapistId, e.ClientId, e.Modality, e.Start, e.End, e.Day, false),
        AppointmentRescheduled e => this with { Start = e.Start, End = e.End, Day = e.Day, Confirmed = false },
        AppointmentConfirmed => this with { Confirmed = true },
        AppointmentCheckedIn => this with { Status = AppointmentStatus.Arrived },
        AppointmentCancelled e => this with { Status = AppointmentStatus.Cancelled, Fee = new AppointmentFee(e.FeePercent, e.Late, e.FeeWaiverReason) },
        AppointmentMarkedNoShow e => this with { Status = AppointmentStatus.Noshow, Fee = new AppointmentFee(e.FeePercent, Late: true, e.FeeWaiverReason) },
        AppointmentFulfilled => this with { Status = AppointmentStatus.Fulfilled },
        _ => this,
    };
}
