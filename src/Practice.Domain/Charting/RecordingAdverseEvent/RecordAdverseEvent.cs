using Practice.Domain.Staff;

namespace Practice.Domain.Charting.RecordingAdverseEvent;

// Modality: the one the event followed; it may be left out when the session used only one.
public sealed record RecordAdverseEvent(
    Guid AppointmentId, Guid TherapistId, AdverseEventKind Kind, AdverseEventSeverity Severity, string? Note, DateTimeOffset Now, Modality? Modality = null);

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

        // Adverse-event rates are counted per modality, so bleeding after needling must not count against a massage.
        var used = session.ModalitiesUsed;
        if (command.Modality is { } named && !used.Contains(named))
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, $"The session used {string.Join(", ", used)}, not {named}.", "modality");
        }
        if (command.Modality is null && used.Count > 1)
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, $"The session used {string.Join(", ", used)}: name the modality the event followed.", "modality");
        }

        return Decision.Accept(new AdverseEventRecorded(
            command.AppointmentId, session.ClientId, session.TherapistId, command.Modality ?? used[0], command.Kind, command.Severity,
            command.Note?.Trim(), command.Now));
    }
}
