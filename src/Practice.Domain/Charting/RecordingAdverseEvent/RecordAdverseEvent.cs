namespace Practice.Domain.Charting.RecordingAdverseEvent;

public sealed record RecordAdverseEvent(
    Guid AppointmentId, Guid TherapistId, AdverseEventKind Kind, AdverseEventSeverity Severity, string? Note, DateTimeOffset Now);

public static class RecordAdverseEventHandler
{
    // Unlike other charting, allowed after completion: soreness and bruising often surface after the session.
    public static Decision Decide(RecordAdverseEvent command, TreatmentSession session)
    {
        if (!session.Exists)
        {
            return Decision.Reject(DomainErrorCodes.SessionNotFound, "The session has not started.", "appointmentId");
        }

        var error = ChartingRules.BySessionTherapist(session, command.TherapistId)
            ?? (command.Kind == AdverseEventKind.Other ? Validate.Required("note", command.Note) : null);
        if (error is not null)
        {
            return error;
        }

        return Decision.Accept(new AdverseEventRecorded(
            command.AppointmentId, session.ClientId, session.TherapistId, session.Modality, command.Kind, command.Severity,
            command.Note?.Trim(), command.Now));
    }
}
