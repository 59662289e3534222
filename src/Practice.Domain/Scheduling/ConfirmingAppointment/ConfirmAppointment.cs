namespace Practice.Domain.Scheduling.ConfirmingAppointment;

public sealed record ConfirmAppointment(Guid AppointmentId, DateTimeOffset Now);

public static class ConfirmAppointmentHandler
{
    public static Decision Decide(ConfirmAppointment command, Appointment appointment)
    {
        if (!appointment.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AppointmentNotFound, "The appointment does not exist.", "appointmentId");
        }

        if (appointment.Status != AppointmentStatus.Booked)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict, $"A {appointment.Status} appointment cannot be confirmed.");
        }

        // Reminder replies arrive more than once; a repeat changes nothing.
        if (appointment.Confirmed)
        {
            return Decision.Accept();
        }

        return Decision.Accept(new AppointmentConfirmed(command.AppointmentId, appointment.ClientId, appointment.TherapistId, command.Now));
    }
}
