namespace Practice.Domain.Charting.RecordingPain;

public sealed record RecordPain(Guid AppointmentId, Guid TherapistId, PainPhase Phase, int Score, DateTimeOffset Now);

public static class RecordPainHandler
{
    public static Decision Decide(RecordPain command, TreatmentSession session)
    {
        if ((ChartingRules.OpenFor(session, command.TherapistId) ?? Validate.InRange("score", command.Score, 0, 10)) is { } error)
        {
            return error;
        }

        // A change in pain (>= 2 points or 30 %) is measured from the score before the session; an after without one
        // measures nothing. A second score of a phase is a correction, and the latest one counts.
        if (command.Phase == PainPhase.After && !session.PainBeforeRecorded)
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, "Record the pain before the session first: the score after is measured against it.", "phase");
        }

        return Decision.Accept(new PainRecorded(
            command.AppointmentId, session.ClientId, session.TherapistId, session.Modality, command.Phase, command.Score,
            LoincCodes.PainSeverity0To10, command.Now));
    }
}
