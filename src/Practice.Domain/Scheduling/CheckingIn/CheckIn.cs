namespace Practice.Domain.Scheduling.CheckingIn;

public sealed record CheckIn(Guid AppointmentId, DateTimeOffset Now);

public static class CheckInHandler
{
    public static Decision Decide(CheckIn command, Appointment appointment)
    {
        if (!appointment.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AppointmentNotFound, "The appointment does not exist.", "appointmentId");
        }

        if (appointment.Status != AppointmentStatus.Booked)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict, $"A {appointment.Status} appointment cannot be checked in.");
        }

        return Decision.Accept(new AppointmentCheckedIn(
            command.AppointmentId, appointment.ClientId, appointment.TherapistId, appointment.LocationId, command.Now));
    }
}
