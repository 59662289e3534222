using Practice.Domain.Scheduling;
using Practice.Domain.Scheduling.ConfirmingAppointment;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Scheduling;

public sealed class ConfirmingAppointmentTests
{
    private static readonly AppointmentConfirmed Confirmed = new(AppointmentId, ClientId, TherapistId, Now);

    [Fact]
    public void Confirms_a_booked_appointment() =>
        Given<Appointment>(Booked())
            .When(a => ConfirmAppointmentHandler.Decide(new(AppointmentId, Now), a))
            .Then(Confirmed);

    [Fact]
    public void Confirming_again_changes_nothing() =>
        Given<Appointment>(Booked(), Confirmed)
            .When(a => ConfirmAppointmentHandler.Decide(new(AppointmentId, Now), a))
            .ThenNothing();

    [Fact]
    public void A_rescheduled_appointment_needs_confirming_again() =>
        Given<Appointment>(
                Booked(),
                Confirmed,
                new AppointmentRescheduled(AppointmentId, LocationId, RoomId, TherapistId, ClientId, Start, End, Start.AddDays(1), End.AddDays(1), Day.AddDays(1), Now))
            .When(a => ConfirmAppointmentHandler.Decide(new(AppointmentId, Now), a))
            .Then(Confirmed);

    [Fact]
    public void Refuses_an_unknown_appointment() =>
        Given<Appointment>()
            .When(a => ConfirmAppointmentHandler.Decide(new(AppointmentId, Now), a))
            .ThenRejects(DomainErrorCodes.AppointmentNotFound, "appointmentId");

    [Fact]
    public void Refuses_a_cancelled_appointment() =>
        Given<Appointment>(Booked(), new AppointmentCancelled(AppointmentId, ClientId, TherapistId, LocationId, Start, CancelledBy.Clinic, "Closed", false, 0, null, Now))
            .When(a => ConfirmAppointmentHandler.Decide(new(AppointmentId, Now), a))
            .ThenRejects(DomainErrorCodes.StatusConflict);
}
