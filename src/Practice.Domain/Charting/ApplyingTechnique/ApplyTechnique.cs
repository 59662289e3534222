using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Scheduling.BookingAppointment;
using Practice.Domain.Staff;

namespace Practice.Domain.Charting.ApplyingTechnique;

// Pressure 1 (gentle) to 5 (intense); TriggerPointId optionally targets a trigger point found in this session.
// SensitiveArea is the therapist's word that the technique works on the chest, buttocks or inner thighs; a technique
// on a trigger point found there is sensitive whatever it says. AcknowledgedContraindications: cautions of this
// technique's modality not yet acknowledged for that modality in this session (another modality than the booked one,
// or an intake updated since).
public sealed record ApplyTechnique(
    Guid AppointmentId,
    Guid TherapistId,
    Modality Modality,
    string Technique,
    int Pressure,
    int Seconds,
    Guid? TriggerPointId,
    bool SensitiveArea,
    IReadOnlyList<Contraindication> AcknowledgedContraindications,
    DateTimeOffset Now);

public static class ApplyTechniqueHandler
{
    // No technique is held longer than the longest appointment; more is a typing slip that would swell the workload view.
    public const int MaxSeconds = BookAppointmentHandler.MaxDurationMinutes * 60;

    public static Decision Decide(ApplyTechnique command, TreatmentSession session, Therapist therapist, Client client, Location location)
    {
        var error = ChartingRules.OpenFor(session, command.TherapistId)
            ?? Validate.Required("technique", command.Technique)
            ?? Validate.InRange("pressure", command.Pressure, 1, 5)
            ?? Validate.InRange("seconds", command.Seconds, 1, MaxSeconds);
        if (error is not null)
        {
            return error;
        }

        // Consent withdrawn during the session stops the treatment there.
        if (!client.HasConsent(ConsentScope.Treatment))
        {
            return Decision.Reject(DomainErrorCodes.ConsentRequired, "Treatment needs the client's consent.");
        }

        if (command.TriggerPointId is { } target && !session.TriggerPointIds.Contains(target))
        {
            return Decision.Reject(DomainErrorCodes.TriggerPointNotFound, "No such trigger point in this session.", "triggerPointId");
        }

        // Needling is invasive whatever modality it is charted under; under another one it would skip the credential,
        // written consent and contraindication checks, and be kept for ever as a non-invasive technique.
        if (command.Modality != Modality.DryNeedling && command.Technique.Contains("needl", StringComparison.OrdinalIgnoreCase))
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue,
                "Needling is charted with modality dry-needling, which checks the credential, the written consent and the contraindications.", "modality");
        }

        if (!therapist.Practises(command.Modality))
        {
            return Decision.Reject(DomainErrorCodes.ModalityNotPractised, $"The therapist does not practise {command.Modality}.", "modality");
        }

        if (command.Modality == Modality.DryNeedling && ChartingRules.DryNeedling(client, therapist, location, command.Now) is { } needling)
        {
            return needling;
        }

        var sensitive = command.SensitiveArea || (command.TriggerPointId is { } point && session.SensitiveTriggerPointIds.Contains(point));
        if (sensitive && ChartingRules.SensitiveArea(client, command.SensitiveArea ? "sensitiveArea" : "triggerPointId") is { } unconsented)
        {
            return unconsented;
        }

        var newlyAcknowledged = Cautions.Of(client, command.Modality).Except(session.AcknowledgedFor(command.Modality)).ToList();
        if (Cautions.Acknowledged(newlyAcknowledged, command.AcknowledgedContraindications) is { } unacknowledged)
        {
            return unacknowledged;
        }

        return Decision.Accept(new TechniqueApplied(
            command.AppointmentId,
            session.ClientId,
            session.TherapistId,
            command.Modality,
            command.Technique.Trim(),
            command.Pressure,
            command.Seconds,
            command.TriggerPointId,
            command.Now,
            sensitive,
            newlyAcknowledged.Count > 0 ? newlyAcknowledged : null));
    }
}
