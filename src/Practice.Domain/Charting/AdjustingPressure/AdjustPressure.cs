namespace Practice.Domain.Charting.AdjustingPressure;

public sealed record AdjustPressure(Guid AppointmentId, Guid TherapistId, int From, int To, DateTimeOffset Now);

public static class AdjustPressureHandler
{
    public static Decision Decide(AdjustPressure command, TreatmentSession session)
    {
        var error = ChartingRules.OpenFor(session, command.TherapistId)
            ?? Validate.InRange("from", command.From, 1, 5)
            ?? Validate.InRange("to", command.To, 1, 5)
            ?? (command.To == command.From ? new DomainError(DomainErrorCodes.InvalidValue, "An adjustment changes the pressure: 'to' must differ from 'from'.", "to") : null);
        if (error is not null)
        {
            return error;
        }

        return Decision.Accept(new PressureAdjusted(
            command.AppointmentId, session.ClientId, session.TherapistId, command.From, command.To, command.Now));
    }
}
