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
    bool SensitiveArea,
    DateTimeOffset Now);

public static class RecordTriggerPointHandler
{
    // An algometer reads about 0.1 to 20 kgf/cm²: below 10 kPa is almost surely a kgf/cm² reading typed as kPa.
    public const decimal MinThresholdKpa = 10m;
    public const decimal MaxThresholdKpa = 2_000m;

    // Finding a trigger point is palpating it: it needs treatment consent, and one in a sensitive area (a listed
    // muscle, or one the therapist marks) needs that consent too, as treating it does.
    public static Decision Decide(RecordTriggerPoint command, TreatmentSession session, Client client)
    {
        var sensitive = command.SensitiveArea || SensitiveAreas.Includes(command.Muscle);
        var error = ChartingRules.OpenFor(session, command.TherapistId)
            ?? Validate.Required("muscle", command.Muscle)
            ?? (command.PressurePainThresholdKpa is { } kpa && (kpa < MinThresholdKpa || kpa > MaxThresholdKpa)
                ? new DomainError(DomainErrorCodes.OutOfRange,
                    $"pressurePainThresholdKpa must be between {MinThresholdKpa} and {MaxThresholdKpa:N0} kPa; a reading in kgf/cm² is multiplied by 98.0665.",
                    "pressurePainThresholdKpa")
                : null);
        if (error is not null)
        {
            return error;
        }

        if (!client.HasConsent(ConsentScope.Treatment))
        {
            return Decision.Reject(DomainErrorCodes.ConsentRequired, "Palpating a trigger point needs the client's consent to treatment.");
        }

        if (sensitive && ChartingRules.SensitiveArea(client, "muscle") is { } consent)
        {
            return consent;
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
            command.Now,
            sensitive));
    }
}
