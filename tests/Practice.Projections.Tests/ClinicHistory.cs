using Practice.Domain;
using Practice.Domain.Charting;
using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using Practice.EventStore;
using Practice.EventStore.Projections;
using Practice.Projections;
using Practice.Testing;

namespace Practice.Projections.Tests;

/// <summary>A store with every domain event type and every view, run by the async daemon as the hosts run them.</summary>
public sealed class ViewsFixture : StoreFixture
{
    protected override void Configure(StoreOptions options)
    {
        PracticeEventTypes.Register(options.Events);
        foreach (var projection in PracticeProjections.All)
        {
            options.AddAsyncProjection(projection);
        }
    }
}

/// <summary>
/// Writes what the domain's deciders write, to the streams they write to, one operation per transaction,
/// so the views see real histories. Each instance is one clinic: its own tenant, location, room and therapist.
/// </summary>
public sealed class ClinicHistory(StreamStore store, string tenantId)
{
    public const string TimeZone = "Europe/Berlin";

    // Berlin is UTC+1 in November: local 10:00 is 09:00Z.
    public static readonly TimeSpan Offset = TimeSpan.FromHours(1);

    public string TenantId { get; } = tenantId;
    public Guid LocationId { get; } = Guid.CreateVersion7();
    public Guid RoomId { get; } = Guid.CreateVersion7();
    public Guid TherapistId { get; } = Guid.CreateVersion7();

    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, Offset);

    public static async Task CatchUpAsync(StreamStore store)
    {
        await using var daemon = store.CreateDaemon(new DaemonOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();
        await store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(10));
    }

    public async Task OpenAsync(string therapistName, IReadOnlyList<WeeklyHours> workingHours, DateTimeOffset at)
    {
        await AppendAsync(Location.StreamId(LocationId), Location.StreamType,
            new LocationAdded(LocationId, Guid.CreateVersion7(), "Mitte", TimeZone, "DE-BE", new Address("Street 1", "Berlin", "BE", "10115", "DE"), at),
            new RoomAdded(LocationId, RoomId, "Room 1", at));
        await AppendAsync(Therapist.StreamId(TherapistId), Therapist.StreamType,
            new TherapistRegistered(TherapistId, therapistName, [LocationId], at),
            new TherapistModalitiesSet(TherapistId, [Modality.DeepTissue, Modality.TriggerPointTherapy, Modality.Swedish], at),
            new WorkingHoursSet(TherapistId, workingHours, at));
    }

    public async Task<Guid> RegisterClientAsync(string name, DateTimeOffset at)
    {
        var clientId = Guid.CreateVersion7();
        await AppendAsync(Client.StreamId(clientId), Client.StreamType,
            new ClientRegistered(clientId, name, new DateOnly(1985, 4, 12), new Contact("client@example.org", null), at),
            new ConsentGranted(clientId, ConsentScope.Treatment, Written: true, GuardianName: null, at));
        return clientId;
    }

    public async Task<Guid> BookAsync(Guid clientId, Modality modality, DateTimeOffset start, int minutes, DateTimeOffset now)
    {
        var appointmentId = Guid.CreateVersion7();
        var day = DateOnly.FromDateTime(start.ToOffset(Offset).DateTime);
        var end = start.AddMinutes(minutes);
        await using var session = store.OpenSession(TenantId);
        session.StartStream(Appointment.StreamId(appointmentId), Appointment.StreamType,
            new AppointmentBooked(appointmentId, LocationId, RoomId, TherapistId, clientId, modality, start, end, day, now));
        session.Append(TherapistDay.StreamId(TherapistId, day), TherapistDay.StreamType, ExpectedVersion.Any,
            new TherapistSlotReserved(TherapistId, day, appointmentId, LocationId, start, end.AddMinutes(15)));
        session.Append(RoomDay.StreamId(RoomId, day), RoomDay.StreamType, ExpectedVersion.Any,
            new RoomSlotReserved(RoomId, day, appointmentId, LocationId, start, end.AddMinutes(15)));
        await session.SaveChangesAsync();
        return appointmentId;
    }

    public async Task RescheduleAsync(Guid appointmentId, Guid clientId, DateTimeOffset previousStart, DateTimeOffset start, int minutes, DateTimeOffset now)
    {
        var previousDay = DateOnly.FromDateTime(previousStart.ToOffset(Offset).DateTime);
        var day = DateOnly.FromDateTime(start.ToOffset(Offset).DateTime);
        await using var session = store.OpenSession(TenantId);
        session.Append(Appointment.StreamId(appointmentId), Appointment.StreamType, ExpectedVersion.Any,
            new AppointmentRescheduled(appointmentId, LocationId, RoomId, TherapistId, clientId,
                previousStart, previousStart.AddMinutes(minutes), start, start.AddMinutes(minutes), day, now));
        session.Append(TherapistDay.StreamId(TherapistId, previousDay), TherapistDay.StreamType, ExpectedVersion.Any,
            new TherapistSlotReleased(TherapistId, previousDay, appointmentId));
        session.Append(TherapistDay.StreamId(TherapistId, day), TherapistDay.StreamType, ExpectedVersion.Any,
            new TherapistSlotReserved(TherapistId, day, appointmentId, LocationId, start, start.AddMinutes(minutes + 15)));
        await session.SaveChangesAsync();
    }

    public Task ConfirmAsync(Guid appointmentId, Guid clientId, DateTimeOffset now) =>
        AppendToAppointmentAsync(appointmentId, new AppointmentConfirmed(appointmentId, clientId, TherapistId, now));

    public Task CheckInAsync(Guid appointmentId, Guid clientId, DateTimeOffset now) =>
        AppendToAppointmentAsync(appointmentId, new AppointmentCheckedIn(appointmentId, clientId, TherapistId, LocationId, now));

    public Task CancelAsync(Guid appointmentId, Guid clientId, DateTimeOffset start, string reason, bool late, int feePercent, string? waiver, DateTimeOffset now) =>
        AppendToAppointmentAsync(appointmentId,
            new AppointmentCancelled(appointmentId, clientId, TherapistId, LocationId, start, CancelledBy.Client, reason, late, feePercent, waiver, now));

    public Task MarkNoShowAsync(Guid appointmentId, Guid clientId, DateTimeOffset start, DateTimeOffset now) =>
        AppendToAppointmentAsync(appointmentId, new AppointmentMarkedNoShow(appointmentId, clientId, TherapistId, LocationId, start, 100, null, now));

    /// <summary>Check-in, session start, the charting given, completion (which fulfils the appointment) and a signed note.</summary>
    public async Task TreatAsync(Guid appointmentId, Guid clientId, Modality modality, DateTimeOffset startedAt, DateTimeOffset completedAt, params object[] charting)
    {
        await CheckInAsync(appointmentId, clientId, startedAt.AddMinutes(-5));
        await AppendAsync(TreatmentSession.StreamId(appointmentId), TreatmentSession.StreamType,
            new SessionStarted(appointmentId, clientId, TherapistId, LocationId, modality, startedAt));
        if (charting.Length > 0)
        {
            await AppendAsync(TreatmentSession.StreamId(appointmentId), TreatmentSession.StreamType, charting);
        }
        await using (var session = store.OpenSession(TenantId))
        {
            session.Append(TreatmentSession.StreamId(appointmentId), TreatmentSession.StreamType, ExpectedVersion.Any,
                new SessionCompleted(appointmentId, clientId, TherapistId, LocationId, modality, completedAt, completedAt + TreatmentSession.NoteDeadline));
            session.Append(Appointment.StreamId(appointmentId), Appointment.StreamType, ExpectedVersion.Any,
                new AppointmentFulfilled(appointmentId, clientId, TherapistId, LocationId, modality, completedAt));
            await session.SaveChangesAsync();
        }
        await AppendAsync(TreatmentSession.StreamId(appointmentId), TreatmentSession.StreamType,
            new SoapNoteSigned(appointmentId, clientId, TherapistId, "Neck stiff", "Taut band upper trapezius", "Improving", "Two more sessions",
                completedAt.AddHours(2)));
    }

    public TechniqueApplied Technique(Guid appointmentId, Guid clientId, string technique, int pressure, int seconds, DateTimeOffset at) =>
        new(appointmentId, clientId, TherapistId, Modality.TriggerPointTherapy, technique, pressure, seconds, null, at);

    public PainRecorded Pain(Guid appointmentId, Guid clientId, PainPhase phase, int score, DateTimeOffset at) =>
        new(appointmentId, clientId, TherapistId, Modality.TriggerPointTherapy, phase, score, LoincCodes.PainSeverity0To10, at);

    public Task AppendToAppointmentAsync(Guid appointmentId, object @event) =>
        AppendAsync(Appointment.StreamId(appointmentId), Appointment.StreamType, @event);

    public async Task AppendAsync(string streamId, string streamType, params object[] events)
    {
        await using var session = store.OpenSession(TenantId);
        session.Append(streamId, streamType, ExpectedVersion.Any, events);
        await session.SaveChangesAsync();
    }

    /// <summary>Monday to Friday, 09:00 to 17:00: 480 working minutes a weekday.</summary>
    public static IReadOnlyList<WeeklyHours> WeekdaysNineToFive { get; } =
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(day => new WeeklyHours(day, new TimeOnly(9, 0), new TimeOnly(17, 0)))];
}
