using Practice.Domain.Scheduling;
using Practice.Domain.Scheduling.CheckingIn;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Scheduling;

public sealed class CheckingInTests
{
    private static readonly DateTimeOffset Arrival = Start.AddMinutes(-10);

    [Fact]
    public void Checks_in_a_booked_appointment() =>
        Given<Appointment>(Booked())
            .When(a => CheckInHandler.Decide(new(AppointmentId, Arrival), a))
            .Then(new AppointmentCheckedIn(AppointmentId, ClientId, TherapistId, LocationId, Arrival));

    [Fact]
    public void Refuses_a_second_check_in() =>
        Given<Appointment>(Booked(), new AppointmentCheckedIn(AppointmentId, ClientId, TherapistId, LocationId, Arrival))
            .When(a => CheckInHandler.Decide(new(AppointmentId, Arrival), a))
            .ThenRejects(DomainErrorCodes.StatusConflict);

    [Fact]
    public void Refuses_a_cancelled_appointment() =>
        Given<Appointment>(Booked(), new AppointmentCancelled(AppointmentId, ClientId, TherapistId, LocationId, Start, CancelledBy.Client, "Away", false, 0, null, Now))
            .When(a => CheckInHandler.Decide(new(AppointmentId, Arrival), a))
            .ThenRejects(DomainErrorCodes.StatusConflict);

    [Fact]
    public void Refuses_an_unknown_appointment() =>
        Given<Appointment>()
            .When(a => CheckInHandler.Decide(new(AppointmentId, Arrival), a))
            .ThenRejects(DomainErrorCodes.AppointmentNotFound, "appointmentId");
}
