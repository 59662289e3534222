using Practice.Domain.Scheduling;
using Practice.Domain.Scheduling.CancellingAppointment;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Scheduling;

public sealed class CancellingAppointmentTests
{
    private static readonly DateTimeOffset DayBefore = Start.AddHours(-23);

    private static Func<Appointment, Decision> Cancel(
        DateTimeOffset now, CancelledBy by = CancelledBy.Client, string? waiveFeeReason = null, CancellationPolicy? policy = null, string reason = "Travelling") =>
        appointment => CancelAppointmentHandler.Decide(new(AppointmentId, by, reason, waiveFeeReason, now), appointment, policy ?? CancellationPolicy.Default);

    private static object[] Cancelled(DateTimeOffset at, bool late, int feePercent, string? waiver = null, CancelledBy by = CancelledBy.Client) =>
    [
        new AppointmentCancelled(AppointmentId, ClientId, TherapistId, LocationId, Start, by, "Travelling", late, feePercent, waiver, at),
        new TherapistSlotReleased(TherapistId, Day, AppointmentId),
        new RoomSlotReleased(RoomId, Day, AppointmentId),
    ];

    // A client who has not come by the start is a no-show (100 %), not a late cancellation (50 %).
    [Fact]
    public void Refuses_a_clients_cancellation_once_the_appointment_has_started() =>
        Given<Appointment>(Booked())
            .When(Cancel(Start))
            .ThenRejects(DomainErrorCodes.TooLate);

    [Fact]
    public void Takes_the_clinics_cancellation_after_the_start_without_a_fee()
    {
        var decision = Cancel(Start.AddMinutes(10), by: CancelledBy.Clinic)(Build<Appointment>(Booked()));

        Assert.Null(decision.Error);
        Assert.Contains(decision.Streams.SelectMany(s => s.Events), e => e is AppointmentCancelled { FeePercent: 0, CancelledBy: CancelledBy.Clinic });
    }

    [Fact]
    public void Cancels_early_without_a_fee_and_frees_the_slots() =>
        Given<Appointment>(Booked())
            .When(Cancel(Now))
            .ThenStreams(
                StreamEvents.For<Appointment>(
                    Appointment.StreamId(AppointmentId),
                    new AppointmentCancelled(AppointmentId, ClientId, TherapistId, LocationId, Start, CancelledBy.Client, "Travelling", false, 0, null, Now)),
                StreamEvents.For<TherapistDay>(TherapistDay.StreamId(TherapistId, Day), new TherapistSlotReleased(TherapistId, Day, AppointmentId)),
                StreamEvents.For<RoomDay>(RoomDay.StreamId(RoomId, Day), new RoomSlotReleased(RoomId, Day, AppointmentId)));

    [Fact]
    public void Charges_the_late_fee_inside_the_late_window() =>
        Given<Appointment>(Booked())
            .When(Cancel(DayBefore))
            .Then(Cancelled(DayBefore, late: true, feePercent: 50));

    [Fact]
    public void Charges_nothing_exactly_at_the_start_of_the_late_window() =>
        Given<Appointment>(Booked())
            .When(Cancel(Start.AddHours(-24)))
            .Then(Cancelled(Start.AddHours(-24), late: false, feePercent: 0));

    [Fact]
    public void Charges_the_share_the_policy_sets() =>
        Given<Appointment>(Booked())
            .When(Cancel(DayBefore, policy: new(TimeSpan.FromHours(24), 100, 100)))
            .Then(Cancelled(DayBefore, late: true, feePercent: 100));

    [Fact]
    public void Waives_the_late_fee_for_illness() =>
        Given<Appointment>(Booked())
            .When(Cancel(DayBefore, waiveFeeReason: " illness "))
            .Then(Cancelled(DayBefore, late: true, feePercent: 0, waiver: "illness"));

    [Fact]
    public void Charges_no_fee_when_the_clinic_cancels_late() =>
        Given<Appointment>(Booked())
            .When(Cancel(DayBefore, by: CancelledBy.Clinic))
            .Then(Cancelled(DayBefore, late: true, feePercent: 0, by: CancelledBy.Clinic));

    [Fact]
    public void Refuses_an_unknown_appointment() =>
        Given<Appointment>()
            .When(Cancel(Now))
            .ThenRejects(DomainErrorCodes.AppointmentNotFound, "appointmentId");

    [Fact]
    public void Refuses_an_appointment_already_checked_in() =>
        Given<Appointment>(Booked(), new AppointmentCheckedIn(AppointmentId, ClientId, TherapistId, LocationId, Start))
            .When(Cancel(Start))
            .ThenRejects(DomainErrorCodes.StatusConflict);

    [Fact]
    public void Refuses_a_blank_reason() =>
        Given<Appointment>(Booked())
            .When(Cancel(Now, reason: ""))
            .ThenRejects(DomainErrorCodes.InvalidValue, "reason");
}
