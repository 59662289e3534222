using Practice.Domain.Scheduling;
using Practice.Domain.Scheduling.MarkingNoShow;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Scheduling;

public sealed class MarkingNoShowTests
{
    private static readonly DateTimeOffset AfterStart = Start.AddMinutes(20);

    private static Func<Appointment, Decision> MarkNoShow(DateTimeOffset now, string? waiveFeeReason = null) =>
        appointment => MarkNoShowHandler.Decide(new(AppointmentId, waiveFeeReason, now), appointment, new(TimeSpan.FromHours(24), 50, 80));

    [Fact]
    public void Marks_a_no_show_with_the_policys_fee() =>
        Given<Appointment>(Booked())
            .When(MarkNoShow(AfterStart))
            .Then(new AppointmentMarkedNoShow(AppointmentId, ClientId, TherapistId, LocationId, Start, 80, null, AfterStart));

    [Fact]
    public void Waives_the_no_show_fee_for_illness() =>
        Given<Appointment>(Booked())
            .When(MarkNoShow(AfterStart, "illness"))
            .Then(new AppointmentMarkedNoShow(AppointmentId, ClientId, TherapistId, LocationId, Start, 0, "illness", AfterStart));

    [Fact]
    public void Refuses_before_the_start() =>
        Given<Appointment>(Booked())
            .When(MarkNoShow(Start.AddMinutes(-1)))
            .ThenRejects(DomainErrorCodes.TooEarly);

    [Fact]
    public void Refuses_a_client_who_checked_in() =>
        Given<Appointment>(Booked(), new AppointmentCheckedIn(AppointmentId, ClientId, TherapistId, LocationId, Start))
            .When(MarkNoShow(AfterStart))
            .ThenRejects(DomainErrorCodes.StatusConflict);

    [Fact]
    public void Refuses_an_unknown_appointment() =>
        Given<Appointment>()
            .When(MarkNoShow(AfterStart))
            .ThenRejects(DomainErrorCodes.AppointmentNotFound, "appointmentId");
}
