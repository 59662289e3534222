using System.Collections.Immutable;
using Practice.Domain.Clients;
using Practice.Domain.Staff;

namespace Practice.Domain.Charting;

public enum SessionStatus
{
    None,
    InProgress,
    Completed,
}

public enum BodySide
{
    Left,
    Right,
    Bilateral,
}

public enum TriggerPointActivity
{
    Active,
    Latent,
}

public enum PainPhase
{
    Before,
    After,
}

public enum AdverseEventKind
{
    Bruising,
    Bleeding,
    PainDuring,
    PainAfter,
    Aggravation,
    Drowsiness,
    Headache,
    Nausea,
    Other,
}

public enum AdverseEventSeverity
{
    Mild,
    Moderate,
    Severe,
}

// A session is keyed by its appointment: one appointment, at most one session. AcknowledgedContraindications: the
// cautions its therapist acknowledged to start it (null when there were none).
public sealed record SessionStarted(
    Guid AppointmentId, Guid ClientId, Guid TherapistId, Guid LocationId, Modality Modality, DateTimeOffset StartedAt,
    IReadOnlyList<Contraindication>? AcknowledgedContraindications = null) : IDomainEvent;

// SensitiveArea is what was decided when it was found; null in events recorded before it was, which the muscle list judges.
public sealed record TriggerPointFound(
    Guid AppointmentId,
    Guid TriggerPointId,
    Guid ClientId,
    Guid TherapistId,
    string Muscle,
    BodySide Side,
    TriggerPointActivity Activity,
    bool TautBand,
    bool LocalTwitchResponse,
    string ReferredPainRegion,
    decimal? PressurePainThresholdKpa,
    DateTimeOffset FoundAt,
    bool? SensitiveArea = null) : IDomainEvent;

// Pressure on the 1 (gentle) to 5 (intense) scale. SensitiveArea: applied to the chest, buttocks or inner thighs,
// under the client's written consent for sensitive areas (false in events recorded before it was charted).
public sealed record TechniqueApplied(
    Guid AppointmentId,
    Guid ClientId,
    Guid TherapistId,
    Modality Modality,
    string Technique,
    int Pressure,
    int Seconds,
    Guid? TriggerPointId,
    DateTimeOffset AppliedAt,
    bool SensitiveArea = false,
    IReadOnlyList<Contraindication>? AcknowledgedContraindications = null) : IDomainEvent;

public sealed record DiscomfortReported(Guid AppointmentId, Guid ClientId, Guid TherapistId, int Level, string? Note, DateTimeOffset ReportedAt) : IDomainEvent;

public sealed record PressureAdjusted(Guid AppointmentId, Guid ClientId, Guid TherapistId, int From, int To, DateTimeOffset AdjustedAt) : IDomainEvent;

// NPRS score; LoincCode is LoincCodes.PainSeverity0To10.
public sealed record PainRecorded(
    Guid AppointmentId, Guid ClientId, Guid TherapistId, Modality Modality, PainPhase Phase, int Score, string LoincCode, DateTimeOffset RecordedAt) : IDomainEvent;

// Modality: the one the event followed, named by the therapist when the session used several.
public sealed record AdverseEventRecorded(
    Guid AppointmentId,
    Guid ClientId,
    Guid TherapistId,
    Modality Modality,
    AdverseEventKind Kind,
    AdverseEventSeverity Severity,
    string? Note,
    DateTimeOffset RecordedAt) : IDomainEvent;

// Modality is the booked one; ModalitiesUsed those the session's techniques used (null in events recorded before it was kept).
public sealed record SessionCompleted(
    Guid AppointmentId, Guid ClientId, Guid TherapistId, Guid LocationId, Modality Modality, DateTimeOffset CompletedAt, DateTimeOffset NoteDueBy,
    IReadOnlyList<Modality>? ModalitiesUsed = null) : IDomainEvent;

public sealed record SoapNoteSigned(
    Guid AppointmentId,
    Guid ClientId,
    Guid TherapistId,
    string Subjective,
    string Objective,
    string Assessment,
    string Plan,
    DateTimeOffset SignedAt) : IDomainEvent;

// The signed note stays as it was; amendments are added beside it.
public sealed record SoapNoteAmended(Guid AppointmentId, Guid AmendmentId, Guid ClientId, Guid TherapistId, string Text, DateTimeOffset AmendedAt) : IDomainEvent;

public sealed record NoteOverdue(Guid AppointmentId, Guid ClientId, Guid TherapistId, DateTimeOffset DueBy, DateTimeOffset FlaggedAt) : IDomainEvent;

public sealed record TreatmentSession(
    SessionStatus Status,
    Guid AppointmentId,
    Guid ClientId,
    Guid TherapistId,
    Guid LocationId,
    Modality Modality,
    ImmutableHashSet<Guid> TriggerPointIds,
    ImmutableHashSet<Guid> SensitiveTriggerPointIds,
    DateTimeOffset? NoteDueBy,
    bool NoteSigned,
    bool NoteFlaggedOverdue,
    ImmutableHashSet<Guid> AmendmentIds,
    ImmutableDictionary<Modality, ImmutableHashSet<Contraindication>> AcknowledgedByModality,
    ImmutableHashSet<Modality> ModalitiesApplied,
    bool PainBeforeRecorded) : IState<TreatmentSession>
{
    public static readonly TimeSpan NoteDeadline = TimeSpan.FromHours(72);

    public static TreatmentSession Initial { get; } =
        new(SessionStatus.None, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, default, [], [], null, false, false, [],
            ImmutableDictionary<Modality, ImmutableHashSet<Contraindication>>.Empty, [], false);

    public static string StreamType => "treatment-session";

    public static string StreamId(Guid appointmentId) => $"treatment-session-{appointmentId}";

    public bool Exists => Status != SessionStatus.None;

    // A caution is acknowledged for the work it was weighed against: pregnancy adapted for deep pressure says
    // nothing of needling in pregnancy, so each modality acknowledges its own cautions once per session.
    public ImmutableHashSet<Contraindication> AcknowledgedFor(Modality modality) =>
        AcknowledgedByModality.TryGetValue(modality, out var acknowledged) ? acknowledged : [];

    // The modalities the session used: those of its techniques, or the booked one when none was charted.
    public IReadOnlyList<Modality> ModalitiesUsed => ModalitiesApplied.IsEmpty ? [Modality] : [.. ModalitiesApplied.Order()];

    private TreatmentSession Acknowledge(Modality modality, IEnumerable<Contraindication> acknowledged) =>
        this with { AcknowledgedByModality = AcknowledgedByModality.SetItem(modality, AcknowledgedFor(modality).Union(acknowledged)) };

    public TreatmentSession Apply(object @event) => @event switch
    {
        SessionStarted e => (Initial with
        {
            Status = SessionStatus.InProgress,
            AppointmentId = e.AppointmentId,
            ClientId = e.ClientId,
            TherapistId = e.TherapistId,
            LocationId = e.LocationId,
            Modality = e.Modality,
        }).Acknowledge(e.Modality, e.AcknowledgedContraindications ?? []),
        TechniqueApplied e => (this with { ModalitiesApplied = ModalitiesApplied.Add(e.Modality) }).Acknowledge(e.Modality, e.AcknowledgedContraindications ?? []),
        TriggerPointFound e => this with
        {
            TriggerPointIds = TriggerPointIds.Add(e.TriggerPointId),
            SensitiveTriggerPointIds = e.SensitiveArea ?? SensitiveAreas.Includes(e.Muscle) ? SensitiveTriggerPointIds.Add(e.TriggerPointId) : SensitiveTriggerPointIds,
        },
        PainRecorded { Phase: PainPhase.Before } => this with { PainBeforeRecorded = true },
        SessionCompleted e => this with { Status = SessionStatus.Completed, NoteDueBy = e.NoteDueBy },
        SoapNoteSigned => this with { NoteSigned = true },
        SoapNoteAmended e => this with { AmendmentIds = AmendmentIds.Add(e.AmendmentId) },
        NoteOverdue => this with { NoteFlaggedOverdue = true },
        _ => this,
    };
}
