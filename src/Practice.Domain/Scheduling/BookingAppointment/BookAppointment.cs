using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Staff;

namespace Practice.Domain.Scheduling.BookingAppointment;

public sealed record BookAppointment(
    Guid AppointmentId,
    Guid LocationId,
    Guid RoomId,
    Guid TherapistId,
    Guid ClientId,
    Modality Modality,
    DateTimeOffset Start,
    int DurationMinutes,
    DateTimeOffset Now);

public static class BookAppointmentHandler
{
    /// <summary>No treatment is booked for longer than a working day.</summary>
    public const int MaxDurationMinutes = 12 * 60;

    // therapistDay and roomDay: the streams TherapistDay.StreamId(therapistId, day) and RoomDay.StreamId(roomId, day),
    // day = location.LocalDateOf(command.Start).
    public static Decision Decide(
        BookAppointment command,
        Appointment appointment,
        Location location,
        Therapist therapist,
        Client client,
        TherapistDay therapistDay,
        RoomDay roomDay,
        SchedulingPolicy policy)
    {
        if (appointment.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The appointment exists already.", "appointmentId");
        }

        if (!client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.ClientNotFound, "The client is not registered.", "clientId");
        }

        if (!location.Exists)
        {
            return Decision.Reject(DomainErrorCodes.LocationNotFound, "The location does not exist.", "locationId");
        }

        if (!therapist.Exists)
        {
            return Decision.Reject(DomainErrorCodes.TherapistNotFound, "The therapist is not registered.", "therapistId");
        }

        if (!location.RoomIds.Contains(command.RoomId))
        {
            return Decision.Reject(DomainErrorCodes.NotAtLocation, "The room is not at this location.", "roomId");
        }

        if (!therapist.LocationIds.Contains(command.LocationId))
        {
            return Decision.Reject(DomainErrorCodes.NotAtLocation, "The therapist does not work at this location.", "therapistId");
        }

        if (!therapist.Practises(command.Modality))
        {
            return Decision.Reject(DomainErrorCodes.ModalityNotPractised, $"The therapist does not practise {command.Modality}.", "modality");
        }

        // The time's own checks come first: a start or duration far out of range cannot even be added up.
        var outOfRange = Validate.InRange("durationMinutes", command.DurationMinutes, 1, MaxDurationMinutes)
            ?? SlotRules.Window(command.Start, command.Now, policy);
        if (outOfRange is not null)
        {
            return outOfRange;
        }

        var end = command.Start.AddMinutes(command.DurationMinutes);
        var day = location.LocalDateOf(command.Start);
        var slot = new Slot(command.Start, end + policy.BufferAfter);
        var error = SlotRules.Credential(command.Modality, therapist, location, day)
            ?? SlotRules.Hours(location, therapist, command.Start, end)
            ?? SlotRules.Free(command.AppointmentId, slot, therapistDay, roomDay);
        if (error is not null)
        {
            return error;
        }

        return Decision.Accept(
            StreamEvents.For<Appointment>(
                Appointment.StreamId(command.AppointmentId),
                new AppointmentBooked(
                    command.AppointmentId, command.LocationId, command.RoomId, command.TherapistId, command.ClientId,
                    command.Modality, command.Start, end, day, command.Now)),
            StreamEvents.For<TherapistDay>(
                TherapistDay.StreamId(command.TherapistId, day),
                new TherapistSlotReserved(command.TherapistId, day, command.AppointmentId, command.LocationId, slot.From, slot.Until)),
            StreamEvents.For<RoomDay>(
                RoomDay.StreamId(command.RoomId, day),
                new RoomSlotReserved(command.RoomId, day, command.AppointmentId, command.LocationId, slot.From, slot.Until)));
    }
}
