using Practice.Domain.Clinics;
using Practice.Domain.Staff;

namespace Practice.Domain.Scheduling.ReschedulingAppointment;

// Moves the appointment to a new start, keeping its length, therapist and room.
// RequestedBy: a move the clinic asks for (a therapist off sick, the desk's own slip) costs the client nothing, so it may be late.
public sealed record RescheduleAppointment(Guid AppointmentId, DateTimeOffset Start, CancelledBy RequestedBy, DateTimeOffset Now);

public static class RescheduleAppointmentHandler
{
    // therapistDay and roomDay: the day streams of the NEW start (location.LocalDateOf(command.Start)).
    // The old day's slots are released by appending to the streams named from appointment.Day; releasing
    // never conflicts, so those need no loaded state (append them without an expected version).
    // Inside the late window a client's move would be a free late cancellation: it goes through cancelling (fee or waiver) and booking.
    public static Decision Decide(
        RescheduleAppointment command,
        Appointment appointment,
        Location location,
        Therapist therapist,
        TherapistDay therapistDay,
        RoomDay roomDay,
        SchedulingPolicy policy,
        CancellationPolicy cancellation)
    {
        if (!appointment.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AppointmentNotFound, "The appointment does not exist.", "appointmentId");
        }

        if (appointment.Status != AppointmentStatus.Booked)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict, $"A {appointment.Status} appointment cannot be rescheduled.");
        }

        if (command.RequestedBy == CancelledBy.Client && appointment.Start - command.Now < cancellation.LateWindow)
        {
            return Decision.Reject(DomainErrorCodes.TooLate,
                $"The appointment starts within {cancellation.LateWindow.TotalHours:0} hours: a client's change is a late cancellation and a new booking.");
        }

        // The window first: a start far out of range cannot even be added up.
        if (SlotRules.Window(command.Start, command.Now, policy) is { } outOfWindow)
        {
            return outOfWindow;
        }

        var end = command.Start + (appointment.End - appointment.Start);
        var day = location.LocalDateOf(command.Start);
        var slot = new Slot(command.Start, end + policy.BufferAfter);
        var error = SlotRules.Credential(appointment.Modality, therapist, location, day)
            ?? SlotRules.Hours(location, therapist, command.Start, end)
            ?? SlotRules.Free(appointment.AppointmentId, slot, therapistDay, roomDay);
        if (error is not null)
        {
            return error;
        }

        var (id, therapistId, roomId) = (appointment.AppointmentId, appointment.TherapistId, appointment.RoomId);
        return Decision.Accept(
            StreamEvents.For<Appointment>(
                Appointment.StreamId(id),
                new AppointmentRescheduled(
                    id, appointment.LocationId, roomId, therapistId, appointment.ClientId,
                    appointment.Start, appointment.End, command.Start, end, day, command.Now)),
            StreamEvents.For<TherapistDay>(
                TherapistDay.StreamId(therapistId, appointment.Day), new TherapistSlotReleased(therapistId, appointment.Day, id)),
            StreamEvents.For<TherapistDay>(
                TherapistDay.StreamId(therapistId, day),
                new TherapistSlotReserved(therapistId, day, id, appointment.LocationId, slot.From, slot.Until)),
            StreamEvents.For<RoomDay>(
                RoomDay.StreamId(roomId, appointment.Day), new RoomSlotReleased(roomId, appointment.Day, id)),
            StreamEvents.For<RoomDay>(
                RoomDay.StreamId(roomId, day),
                new RoomSlotReserved(roomId, day, id, appointment.LocationId, slot.From, slot.Until)));
    }
}
