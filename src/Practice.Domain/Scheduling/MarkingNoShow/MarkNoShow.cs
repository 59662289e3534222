namespace Practice.Domain.Scheduling.MarkingNoShow;

// WaiveFeeReason (e.g. "illness") waives the no-show fee.
public sealed record MarkNoShow(Guid AppointmentId, string? WaiveFeeReason, DateTimeOffset Now);

public static class MarkNoShowHandler
{
    // The slots stay reserved: the time has passed and the workload views count it.
    public static Decision Decide(MarkNoShow command, Appointment appointment, CancellationPolicy policy)
    {
        if (!appointment.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AppointmentNotFound, "The appointment does not exist.", "appointmentId");
        }

        if (appointment.Status != AppointmentStatus.Booked)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict, $"A {appointment.Status} appointment cannot be a no-show.");
        }

        if (command.Now < appointment.Start)
        {
            return Decision.Reject(DomainErrorCodes.TooEarly, "A client is a no-show only once the start has passed.");
        }

        var (fee, waiver) = Fees.Charge(applies: true, policy.NoShowFeePercent, command.WaiveFeeReason);
        return Decision.Accept(new AppointmentMarkedNoShow(
            command.AppointmentId, appointment.ClientId, appointment.TherapistId, appointment.LocationId, appointment.Start, fee, waiver, command.Now));
    }
}
