namespace Practice.Domain.Scheduling.CancellingAppointment;

// WaiveFeeReason (e.g. "illness") waives a late-cancellation fee.
public sealed record CancelAppointment(Guid AppointmentId, CancelledBy CancelledBy, string Reason, string? WaiveFeeReason, DateTimeOffset Now);

public static class CancelAppointmentHandler
{
    public static Decision Decide(CancelAppointment command, Appointment appointment, CancellationPolicy policy)
    {
        if (!appointment.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AppointmentNotFound, "The appointment does not exist.", "appointmentId");
        }

        if (appointment.Status != AppointmentStatus.Booked)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict, $"A {appointment.Status} appointment cannot be cancelled.");
        }

        if (Validate.Required("reason", command.Reason) is { } error)
        {
            return error;
        }

        // A client who has not come by the start did not cancel: that is a no-show, with its own fee.
        if (command.CancelledBy == CancelledBy.Client && command.Now >= appointment.Start)
        {
            return Decision.Reject(DomainErrorCodes.TooLate, "The appointment has started: a client who did not come is a no-show.");
        }

        // Only a client's late cancellation costs a fee; the clinic cancelling never does.
        var late = appointment.Start - command.Now < policy.LateWindow;
        var (fee, waiver) = Fees.Charge(late && command.CancelledBy == CancelledBy.Client, policy.LateCancellationFeePercent, command.WaiveFeeReason);
        var (id, therapistId, roomId, day) = (appointment.AppointmentId, appointment.TherapistId, appointment.RoomId, appointment.Day);
        return Decision.Accept(
            StreamEvents.For<Appointment>(
                Appointment.StreamId(id),
                new AppointmentCancelled(
                    id, appointment.ClientId, therapistId, appointment.LocationId, appointment.Start,
                    command.CancelledBy, command.Reason.Trim(), late, fee, waiver, command.Now)),
            StreamEvents.For<TherapistDay>(TherapistDay.StreamId(therapistId, day), new TherapistSlotReleased(therapistId, day, id)),
            StreamEvents.For<RoomDay>(RoomDay.StreamId(roomId, day), new RoomSlotReleased(roomId, day, id)));
    }
}
