namespace Practice.Domain.Charting.SigningNote;

public sealed record SignNote(
    Guid AppointmentId, Guid TherapistId, string Subjective, string Objective, string Assessment, string Plan, DateTimeOffset Now);

public static class SignNoteHandler
{
    public static Decision Decide(SignNote command, TreatmentSession session)
    {
        if (!session.Exists)
        {
            return Decision.Reject(DomainErrorCodes.SessionNotFound, "The session has not started.", "appointmentId");
        }

        if (ChartingRules.BySessionTherapist(session, command.TherapistId) is { } notOwn)
        {
            return notOwn;
        }

        if (session.Status != SessionStatus.Completed)
        {
            return Decision.Reject(DomainErrorCodes.SessionNotCompleted, "A note is signed once the session is completed.");
        }

        if (session.NoteSigned)
        {
            return Decision.Reject(DomainErrorCodes.NoteAlreadySigned, "A signed note is never edited; amend it instead.");
        }

        var error = Validate.Required("subjective", command.Subjective)
            ?? Validate.Required("objective", command.Objective)
            ?? Validate.Required("assessment", command.Assessment)
            ?? Validate.Required("plan", command.Plan);
        if (error is not null)
        {
            return error;
        }

        return Decision.Accept(new SoapNoteSigned(
            command.AppointmentId, session.ClientId, session.TherapistId,
            command.Subjective.Trim(), command.Objective.Trim(), command.Assessment.Trim(), command.Plan.Trim(), command.Now));
    }
}
