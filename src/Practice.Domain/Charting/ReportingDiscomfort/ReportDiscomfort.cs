namespace Practice.Domain.Charting.ReportingDiscomfort;

public sealed record ReportDiscomfort(Guid AppointmentId, Guid TherapistId, int Level, string? Note, DateTimeOffset Now);

public static class ReportDiscomfortHandler
{
    public static Decision Decide(ReportDiscomfort command, TreatmentSession session)
    {
        if ((ChartingRules.OpenFor(session, command.TherapistId) ?? Validate.InRange("level", command.Level, 0, 10)) is { } error)
        {
            return error;
        }

        return Decision.Accept(new DiscomfortReported(
            command.AppointmentId, session.ClientId, session.TherapistId, command.Level, command.Note?.Trim(), command.Now));
    }
}
