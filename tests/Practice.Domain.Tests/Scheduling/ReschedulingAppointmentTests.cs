using Practice.Domain.Scheduling;
using Practice.Domain.Scheduling.ReschedulingAppointment;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Scheduling;

public sealed class ReschedulingAppointmentTests
{
    private static readonly TimeSpan Buffer = SchedulingPolicy.Default.BufferAfter;
    private static readonly DateTimeOffset Wednesday = Local(1, 14, 10, 0);
    private static readonly DateOnly WednesdayDay = new(2026, 1, 14);

    private static Func<Appointment, Decision> Reschedule(
        DateTimeOffset start, DateTimeOffset? now = null, TherapistDay? therapistDay = null, RoomDay? roomDay = null, CancelledBy by = CancelledBy.Client) =>
        appointment => RescheduleAppointmentHandler.Decide(
            new(AppointmentId, start, by, now ?? Now), appointment, Downtown, Ana,
            therapistDay ?? TherapistDay.Initial, roomDay ?? RoomDay.Initial, SchedulingPolicy.Default, CancellationPolicy.Default);

    [Fact]
    public void Moves_to_another_day_releasing_the_old_slots() =>
        Given<Appointment>(Booked())
            .When(Reschedule(Wednesday))
            .ThenStreams(
                StreamEvents.For<Appointment>(
                    Appointment.StreamId(AppointmentId),
                    new AppointmentRescheduled(
                        AppointmentId, LocationId, RoomId, TherapistId, ClientId, Start, End, Wednesday, Wednesday.AddHours(1), WednesdayDay, Now)),
                StreamEvents.For<TherapistDay>(TherapistDay.StreamId(TherapistId, Day), new TherapistSlotReleased(TherapistId, Day, AppointmentId)),
                StreamEvents.For<TherapistDay>(
                    TherapistDay.StreamId(TherapistId, WednesdayDay),
                    new TherapistSlotReserved(TherapistId, WednesdayDay, AppointmentId, LocationId, Wednesday, Wednesday.AddHours(1) + Buffer)),
                StreamEvents.For<RoomDay>(RoomDay.StreamId(RoomId, Day), new RoomSlotReleased(RoomId, Day, AppointmentId)),
                StreamEvents.For<RoomDay>(
                    RoomDay.StreamId(RoomId, WednesdayDay),
                    new RoomSlotReserved(RoomId, WednesdayDay, AppointmentId, LocationId, Wednesday, Wednesday.AddHours(1) + Buffer)));

    [Fact]
    public void Moves_within_the_day_over_its_own_slot()
    {
        var later = Start.AddMinutes(30);
        var ownTherapistSlot = Build<TherapistDay>(new TherapistSlotReserved(TherapistId, Day, AppointmentId, LocationId, Start, End + Buffer));
        var ownRoomSlot = Build<RoomDay>(new RoomSlotReserved(RoomId, Day, AppointmentId, LocationId, Start, End + Buffer));

        Given<Appointment>(Booked())
            .When(Reschedule(later, therapistDay: ownTherapistSlot, roomDay: ownRoomSlot))
            .ThenStreams(
                StreamEvents.For<Appointment>(
                    Appointment.StreamId(AppointmentId),
                    new AppointmentRescheduled(AppointmentId, LocationId, RoomId, TherapistId, ClientId, Start, End, later, later.AddHours(1), Day, Now)),
                StreamEvents.For<TherapistDay>(
                    TherapistDay.StreamId(TherapistId, Day),
                    new TherapistSlotReleased(TherapistId, Day, AppointmentId),
                    new TherapistSlotReserved(TherapistId, Day, AppointmentId, LocationId, later, later.AddHours(1) + Buffer)),
                StreamEvents.For<RoomDay>(
                    RoomDay.StreamId(RoomId, Day),
                    new RoomSlotReleased(RoomId, Day, AppointmentId),
                    new RoomSlotReserved(RoomId, Day, AppointmentId, LocationId, later, later.AddHours(1) + Buffer)));
    }

    [Fact]
    public void Refuses_a_start_at_the_end_of_time_as_beyond_the_horizon() =>
        Given<Appointment>(Booked())
            .When(Reschedule(DateTimeOffset.MaxValue.AddMinutes(-30)))
            .ThenRejects(DomainErrorCodes.BeyondHorizon, "start");

    [Fact]
    public void Refuses_an_unknown_appointment() =>
        Given<Appointment>()
            .When(Reschedule(Wednesday))
            .ThenRejects(DomainErrorCodes.AppointmentNotFound, "appointmentId");

    [Fact]
    public void Refuses_a_cancelled_appointment() =>
        Given<Appointment>(Booked(), new AppointmentCancelled(AppointmentId, ClientId, TherapistId, LocationId, Start, CancelledBy.Client, "Away", false, 0, null, Now))
            .When(Reschedule(Wednesday))
            .ThenRejects(DomainErrorCodes.StatusConflict);

    [Fact]
    public void Refuses_a_time_the_therapist_is_booked() =>
        Given<Appointment>(Booked())
            .When(Reschedule(Wednesday, therapistDay: Build<TherapistDay>(
                new TherapistSlotReserved(TherapistId, WednesdayDay, OtherAppointmentId, LocationId, Wednesday.AddMinutes(-30), Wednesday.AddMinutes(30)))))
            .ThenRejects(DomainErrorCodes.DoubleBooking, "therapistId");

    [Fact]
    public void Refuses_a_time_the_room_is_booked() =>
        Given<Appointment>(Booked())
            .When(Reschedule(Wednesday, roomDay: Build<RoomDay>(
                new RoomSlotReserved(RoomId, WednesdayDay, OtherAppointmentId, LocationId, Wednesday.AddMinutes(30), Wednesday.AddMinutes(90)))))
            .ThenRejects(DomainErrorCodes.DoubleBooking, "roomId");

    [Fact]
    public void Refuses_a_time_outside_working_hours() =>
        Given<Appointment>(Booked())
            .When(Reschedule(Local(1, 14, 16, 30)))
            .ThenRejects(DomainErrorCodes.OutsideWorkingHours, "start");

    [Fact]
    public void Refuses_a_time_outside_opening_hours() =>
        Given<Appointment>(Booked())
            .When(Reschedule(Local(1, 18, 10, 0)))
            .ThenRejects(DomainErrorCodes.OutsideOpeningHours, "start");

    [Fact]
    public void Refuses_less_notice_than_the_policy_asks() =>
        Given<Appointment>(Booked())
            .When(Reschedule(Start.AddDays(-2).AddHours(1), now: Start.AddDays(-2)))
            .ThenRejects(DomainErrorCodes.NoticeTooShort, "start");

    // Moving it three weeks out the evening before would turn a late cancellation's fee into none.
    [Fact]
    public void Refuses_to_move_an_appointment_inside_the_late_cancellation_window() =>
        Given<Appointment>(Booked())
            .When(Reschedule(Wednesday, now: Start.AddHours(-24).AddMinutes(1)))
            .ThenRejects(DomainErrorCodes.TooLate);

    [Fact]
    public void Moves_an_appointment_inside_the_late_window_when_the_clinic_asks()
    {
        var decision = Reschedule(Wednesday, now: Start.AddHours(-3), by: CancelledBy.Clinic)(Build<Appointment>(Booked()));

        Assert.Null(decision.Error);
        Assert.Contains(decision.Streams.SelectMany(s => s.Events), e => e is AppointmentRescheduled { Start: var start } && start == Wednesday);
    }

    [Fact]
    public void Refuses_to_move_an_appointment_whose_start_has_passed() =>
        Given<Appointment>(Booked())
            .When(Reschedule(Wednesday, now: Start.AddMinutes(20)))
            .ThenRejects(DomainErrorCodes.TooLate);

    [Fact]
    public void Moves_an_appointment_just_outside_the_late_window()
    {
        var decision = Reschedule(Wednesday, now: Start.AddHours(-24))(Build<Appointment>(Booked()));

        Assert.Null(decision.Error);
        Assert.Contains(decision.Streams.SelectMany(s => s.Events), e => e is AppointmentRescheduled { Start: var start } && start == Wednesday);
    }

    [Fact]
    public void Refuses_moving_dry_needling_past_the_credentials_expiry() =>
        Given<Appointment>(Booked(Modality.DryNeedling))
            .When(Reschedule(Local(2, 3, 10, 0)))
            .ThenRejects(DomainErrorCodes.CredentialRequired, "therapistId");
}
