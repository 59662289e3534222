namespace Practice.Domain.Charting.AmendingNote;

public sealed record AmendNote(Guid AppointmentId, Guid AmendmentId, Guid TherapistId, string Text, DateTimeOffset Now);

public static class AmendNoteHandler
{
    public static Decision Decide(AmendNote command, TreatmentSession session)
    {
        if (!session.Exists)
        {
            return Decision.Reject(DomainErrorCodes.SessionNotFound, "The session has not started.", "appointmentId");
        }

        if (ChartingRules.BySessionTherapist(session, command.TherapistId) is { } notOwn)
        {
            return notOwn;
        }

        if (!session.NoteSigned)
        {
            return Decision.Reject(DomainErrorCodes.NoteNotSigned, "Only a signed note is amended; sign it first.");
        }

        if (session.AmendmentIds.Contains(command.AmendmentId))
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The amendment is recorded already.", "amendmentId");
        }

        if (Validate.Required("text", command.Text) is { } error)
        {
            return error;
        }

        return Decision.Accept(new SoapNoteAmended(
            command.AppointmentId, command.AmendmentId, session.ClientId, session.TherapistId, command.Text.Trim(), command.Now));
    }
}
