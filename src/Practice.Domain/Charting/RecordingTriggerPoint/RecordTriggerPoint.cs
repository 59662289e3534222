using Practice.Domain.Clients;

namespace Practice.Domain.Charting.RecordingTriggerPoint;

public sealed record RecordTriggerPoint(
    Guid AppointmentId,
    Guid TriggerPointId,
    Guid TherapistId,
    string Muscle,
    BodySide Side,
    TriggerPointActivity Activity,
    bool TautBand,
    bool LocalTwitchResponse,
    string ReferredPainRegion,
    decimal? PressurePainThresholdKpa,
    DateTimeOffset Now);

public static class RecordTriggerPointHandler
{
    // Finding a trigger point is palpating it, so one in a sensitive area needs that consent as treating it does.
    public static Decision Decide(RecordTriggerPoint command, TreatmentSession session, Client client)
    {
        var error = ChartingRules.OpenFor(session, command.TherapistId)
            ?? Validate.Required("muscle", command.Muscle)
            ?? (command.PressurePainThresholdKpa is { } kpa ? Validate.Positive("pressurePainThresholdKpa", kpa) : null)
            ?? (SensitiveAreas.Includes(command.Muscle) ? ChartingRules.SensitiveArea(client, "muscle") : null);
        if (error is not null)
        {
            return error;
        }

        if (session.TriggerPointIds.Contains(command.TriggerPointId))
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The trigger point is recorded already.", "triggerPointId");
        }

        return Decision.Accept(new TriggerPointFound(
            command.AppointmentId,
            command.TriggerPointId,
            session.ClientId,
            session.TherapistId,
            command.Muscle.Trim(),
            command.Side,
            command.Activity,
            command.TautBand,
            command.LocalTwitchResponse,
            command.ReferredPainRegion.Trim(),
            command.PressurePainThresholdKpa,
            command.Now));
    }
}
