namespace Practice.Domain.Charting.FlaggingOverdueNote;

// Sent by the scheduler at the note deadline; harmless to send again or early.
public sealed record FlagOverdueNote(Guid AppointmentId, DateTimeOffset Now);

public static class FlagOverdueNoteHandler
{
    public static Decision Decide(FlagOverdueNote command, TreatmentSession session)
    {
        if (!session.Exists)
        {
            return Decision.Reject(DomainErrorCodes.SessionNotFound, "The session has not started.", "appointmentId");
        }

        return session.NoteDueBy is { } dueBy && command.Now > dueBy && !session.NoteSigned && !session.NoteFlaggedOverdue
            ? Decision.Accept(new NoteOverdue(command.AppointmentId, session.ClientId, session.TherapistId, dueBy, command.Now))
            : Decision.Accept();
    }
}
