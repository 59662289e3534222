using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Staff;

namespace Practice.Domain.Charting;

// Checks shared by the charting deciders; each returns null when the rule holds.
internal static class ChartingRules
{
    private static readonly Contraindication[] NeedlingContraindications =
        [Contraindication.Anticoagulants, Contraindication.NeedlePhobia, Contraindication.BleedingDisorder];

    // Recording during a session: it must be running and charted by its own therapist.
    public static DomainError? OpenFor(TreatmentSession session, Guid therapistId) =>
        !session.Exists ? new(DomainErrorCodes.SessionNotFound, "The session has not started.", "appointmentId")
        : session.Status == SessionStatus.Completed ? new(DomainErrorCodes.SessionCompleted, "The session is completed; charting is closed.")
        : BySessionTherapist(session, therapistId);

    public static DomainError? BySessionTherapist(TreatmentSession session, Guid therapistId) =>
        session.TherapistId != therapistId
            ? new(DomainErrorCodes.NotSessionTherapist, "Only the session's own therapist may chart it.", "therapistId")
            : null;

    // The chest, buttocks and inner thighs are treated only with the client's separate, written consent.
    public static DomainError? SensitiveArea(Client client, string? field)
    {
        if (!client.HasConsent(ConsentScope.SensitiveAreas))
        {
            return new(DomainErrorCodes.ConsentRequired, "Treating the chest, buttocks or inner thighs needs the client's consent for sensitive areas.", field);
        }

        return client.HasWrittenConsent(ConsentScope.SensitiveAreas)
            ? null
            : new(DomainErrorCodes.WrittenConsentRequired, "Treating the chest, buttocks or inner thighs needs written consent.", field);
    }

    // Dry needling is invasive: written consent, a credential valid here today, and no bleeding or needle risk.
    public static DomainError? DryNeedling(Client client, Therapist therapist, Location location, DateTimeOffset now)
    {
        if (!client.HasConsent(ConsentScope.DryNeedling))
        {
            return new(DomainErrorCodes.ConsentRequired, "Dry needling needs the client's consent.");
        }

        if (!client.HasWrittenConsent(ConsentScope.DryNeedling))
        {
            return new(DomainErrorCodes.WrittenConsentRequired, "Dry needling needs written consent.");
        }

        if (!therapist.HoldsValidCredential(CredentialKinds.DryNeedling, location.Jurisdiction, location.LocalDateOf(now)))
        {
            return new(DomainErrorCodes.CredentialRequired, "Dry needling needs a valid dry-needling credential for this jurisdiction.", "therapistId");
        }

        var found = NeedlingContraindications.Where(client.Contraindications.Contains).ToList();
        return found.Count > 0
            ? new(DomainErrorCodes.Contraindicated, $"Dry needling is contraindicated: {string.Join(", ", found)}.")
            : null;
    }
}
