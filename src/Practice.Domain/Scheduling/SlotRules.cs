using Practice.Domain.Clinics;
using Practice.Domain.Staff;

namespace Practice.Domain.Scheduling;

// The checks shared by booking and rescheduling a time; each returns null when the rule holds.
internal static class SlotRules
{
    public static DomainError? Window(DateTimeOffset start, DateTimeOffset now, SchedulingPolicy policy) =>
        start - now < policy.MinimumNotice
            ? new(DomainErrorCodes.NoticeTooShort, $"Bookings need {policy.MinimumNotice.TotalHours} h notice.", "start")
            : start - now > policy.MaximumHorizon
                ? new(DomainErrorCodes.BeyondHorizon, $"Bookings open {policy.MaximumHorizon.TotalDays} days ahead.", "start")
                : null;

    public static DomainError? Hours(Location location, Therapist therapist, DateTimeOffset start, DateTimeOffset end) =>
        !location.IsOpen(start, end)
            ? new(DomainErrorCodes.OutsideOpeningHours, "The location is closed at that time.", "start")
            : !therapist.IsWorking(location.ToLocal(start), location.ToLocal(end))
                ? new(DomainErrorCodes.OutsideWorkingHours, "The therapist does not work at that time.", "start")
                : null;

    // A dry-needling booking needs a credential valid in the location's jurisdiction on the session's day.
    public static DomainError? Credential(Modality modality, Therapist therapist, Location location, DateOnly day) =>
        modality == Modality.DryNeedling && !therapist.HoldsValidCredential(CredentialKinds.DryNeedling, location.Jurisdiction, day)
            ? new(DomainErrorCodes.CredentialRequired, "Dry needling needs a valid dry-needling credential for this jurisdiction.", "therapistId")
            : null;

    public static DomainError? Free(Guid appointmentId, Slot slot, TherapistDay therapistDay, RoomDay roomDay) =>
        !therapistDay.IsFree(slot, appointmentId)
            ? new(DomainErrorCodes.DoubleBooking, "The therapist is booked at that time.", "therapistId")
            : !roomDay.IsFree(slot, appointmentId)
                ? new(DomainErrorCodes.DoubleBooking, "The room is booked at that time.", "roomId")
                : null;
}
