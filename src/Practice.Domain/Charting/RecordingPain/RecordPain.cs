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

        return Decision.Accept(new PainRecorded(
            command.AppointmentId, session.ClientId, session.TherapistId, session.Modality, command.Phase, command.Score,
            LoincCodes.PainSeverity0To10, command.Now));
    }
}
