using System.Globalization;
using Practice.Domain.Charting;
using Practice.Domain.Clients;
using Practice.Domain.Outcomes;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;

namespace Practice.Projections.ClientTimeline;

/// <summary>
/// What one event contributes to a client's timeline. Template is a PostgreSQL format() string: %1$s is the
/// name of NameRef (a therapist or goal the projection has seen) or NameFallback, %2$s and %3$s are FirstTime
/// and SecondTime in the local time of the location (given, or the appointment's). Free text from the event
/// is escaped, so a '%' a client typed stays a '%'.
/// </summary>
internal sealed record TimelineEntry(
    Guid ClientId,
    DateTimeOffset OccurredAt,
    bool Clinical,
    string Template,
    Guid? NameRef = null,
    string? NameFallback = null,
    DateTimeOffset? FirstTime = null,
    DateTimeOffset? SecondTime = null,
    Guid? LocationId = null,
    Guid? AppointmentId = null);

/// <summary>Something later summaries name: a therapist's name, a location's time zone, an appointment's location, a goal.</summary>
internal sealed record TimelineReference(Guid Id, string? Name = null, string? TimeZone = null, Guid? LocationId = null);

internal static class TimelineSummaries
{
    private const string Therapist = "%1$s";
    private const string Named = "%1$s";
    private const string First = "%2$s";
    private const string Second = "%3$s";

    public static IEnumerable<TimelineReference> References(object data) => data switch
    {
        TherapistRegistered e => [new(e.TherapistId, Name: e.Name)],
        Practice.Domain.Clinics.LocationAdded e => [new(e.LocationId, TimeZone: e.TimeZoneId)],
        AppointmentBooked e => [new(e.AppointmentId, LocationId: e.LocationId)],
        TreatmentPlanCreated e => e.Goals.Select(goal => new TimelineReference(goal.GoalId, Name: goal.Description)),
        _ => [],
    };

    public static TimelineEntry? Describe(object data) => data switch
    {
        ClientRegistered e => new(e.ClientId, e.RegisteredAt, false, $"Registered as a client: {Text(e.Name)}"),
        IntakeRecorded e => new(e.ClientId, e.RecordedAt, true,
            $"Intake recorded: conditions {List(e.Conditions)}; contraindications {List(e.Contraindications.Select(Words))}"),
        ConsentGranted e => new(e.ClientId, e.GrantedAt, false,
            $"Consent granted for {Words(e.Scope)} ({(e.Written ? "written" : "verbal")}"
            + (e.GuardianName is { } guardian ? $", by guardian {Text(guardian)})" : ")")),
        ConsentWithdrawn e => new(e.ClientId, e.WithdrawnAt, false, $"Consent withdrawn for {Words(e.Scope)}"),

        AppointmentBooked e => new(e.ClientId, e.BookedAt, false,
            $"Booked {Words(e.Modality)} with {Therapist} for {First} ({Minutes(e.Start, e.End)} min)",
            NameRef: e.TherapistId, NameFallback: "a therapist", FirstTime: e.Start, LocationId: e.LocationId),
        AppointmentRescheduled e => new(e.ClientId, e.RescheduledAt, false,
            $"Rescheduled from {First} to {Second} ({Minutes(e.Start, e.End)} min)",
            FirstTime: e.PreviousStart, SecondTime: e.Start, LocationId: e.LocationId),
        AppointmentConfirmed e => new(e.ClientId, e.ConfirmedAt, false, "Appointment confirmed", AppointmentId: e.AppointmentId),
        AppointmentCheckedIn e => new(e.ClientId, e.ArrivedAt, false, "Checked in", AppointmentId: e.AppointmentId),
        AppointmentCancelled e => new(e.ClientId, e.CancelledAt, false,
            $"Cancelled {First} by the {(e.CancelledBy == CancelledBy.Client ? "client" : "clinic")}"
            + (e.Late ? $" inside the late window: {Fee(e.FeePercent, e.FeeWaiverReason)}" : "")
            + $"; reason: {Text(e.Reason)}",
            FirstTime: e.Start, LocationId: e.LocationId),
        AppointmentMarkedNoShow e => new(e.ClientId, e.MarkedAt, false,
            $"No-show for {First}: {Fee(e.FeePercent, e.FeeWaiverReason)}", FirstTime: e.Start, LocationId: e.LocationId),
        AppointmentFulfilled e => new(e.ClientId, e.FulfilledAt, false, "Appointment fulfilled", AppointmentId: e.AppointmentId),

        // That a session started is the front desk's to know; which cautions its therapist acknowledged is not (see FrontDeskHiddenFrom).
        SessionStarted e => new(e.ClientId, e.StartedAt, false, $"Session started: {Words(e.Modality)} with {Therapist}" + Cautions(e.AcknowledgedContraindications),
            NameRef: e.TherapistId, NameFallback: "a therapist"),
        TriggerPointFound e => new(e.ClientId, e.FoundAt, true,
            $"Trigger point found: {Text(e.Muscle)}, {Words(e.Side)}, {Words(e.Activity)}"
            + (string.IsNullOrWhiteSpace(e.ReferredPainRegion) ? "" : $", referred to {Text(e.ReferredPainRegion)}")
            + (e.TautBand ? ", taut band" : "")
            + (e.LocalTwitchResponse ? ", local twitch response" : "")
            + (e.PressurePainThresholdKpa is { } kpa ? $", pressure pain threshold {Number(kpa)} kPa" : "")
            + (e.SensitiveArea ?? SensitiveAreas.Includes(e.Muscle) ? ", in a sensitive area" : "")),
        TechniqueApplied e => new(e.ClientId, e.AppliedAt, true,
            $"Technique applied: {Text(e.Technique)} ({Words(e.Modality)}), pressure {e.Pressure}/5 for {Duration(e.Seconds)}"
            + (e.TriggerPointId is null ? "" : " on a trigger point") + (e.SensitiveArea ? ", in a sensitive area" : "")
            + Cautions(e.AcknowledgedContraindications)),
        DiscomfortReported e => new(e.ClientId, e.ReportedAt, true,
            $"Discomfort reported: {e.Level}/10" + (string.IsNullOrWhiteSpace(e.Note) ? "" : $" ({Text(e.Note)})")),
        PressureAdjusted e => new(e.ClientId, e.AdjustedAt, true, $"Pressure adjusted from {e.From}/5 to {e.To}/5"),
        PainRecorded e => new(e.ClientId, e.RecordedAt, true,
            $"Pain {(e.Phase == PainPhase.Before ? "before" : "after")} session: {e.Score}/10"),
        AdverseEventRecorded e => new(e.ClientId, e.RecordedAt, true,
            $"Adverse event: {Words(e.Kind)} ({Words(e.Severity)})" + (string.IsNullOrWhiteSpace(e.Note) ? "" : $": {Text(e.Note)}")),
        SessionCompleted e => new(e.ClientId, e.CompletedAt, false, $"Session completed; SOAP note due by {First}",
            FirstTime: e.NoteDueBy, LocationId: e.LocationId),
        SoapNoteSigned e => new(e.ClientId, e.SignedAt, true, "SOAP note signed"),
        SoapNoteAmended e => new(e.ClientId, e.AmendedAt, true, "SOAP note amended"),
        NoteOverdue e => new(e.ClientId, e.FlaggedAt, false, $"SOAP note overdue (was due by {First})",
            FirstTime: e.DueBy, AppointmentId: e.AppointmentId),

        OutcomeMeasureCompleted e => new(e.ClientId, e.CompletedAt, true, $"Outcome measure: {Measure(e.Instrument, e.Score)}"),
        TreatmentPlanCreated e => new(e.ClientId, e.CreatedAt, true,
            $"Treatment plan created for {Text(e.Condition)}: {e.Goals.Count} {(e.Goals.Count == 1 ? "goal" : "goals")}"),
        GoalAchieved e => new(e.ClientId, e.AchievedAt, true, $"Goal achieved: {Named}", NameRef: e.GoalId, NameFallback: "a treatment goal"),
        ClientDischarged e => new(e.ClientId, e.DischargedAt, true, $"Discharged: {Text(e.Reason)}"),
        _ => null,
    };

    /// <summary>
    /// A client event this file does not know yet (the domain grows): listed under its type name at its stored
    /// time, and treated as clinical until someone decides otherwise, so nothing leaks to the front desk.
    /// </summary>
    public static TimelineEntry? Fallback(Practice.EventStore.StoredEvent stored) =>
        stored.Data.GetType().GetProperty("ClientId")?.GetValue(stored.Data) is Guid clientId
            ? new(clientId, stored.Timestamp, true, Text(Sentence(stored.TypeName)))
            : null;

    private static string Sentence(string typeName)
    {
        var words = typeName.Replace('-', ' ');
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary>
    /// What a non-clinical entry holds that the front desk may not read: its summary from this on, and these
    /// fields of its data. Taken out when read, not when written, so rows written by any version of this code,
    /// before or after a rebuild, are read the same way.
    /// </summary>
    internal const string FrontDeskHiddenFrom = ", cautions acknowledged: ";

    /// <remarks>The modalities a session used, needling say, are its charting's, not the booking's.</remarks>
    internal static readonly string[] FrontDeskHiddenFields = ["acknowledgedContraindications", "modalitiesUsed"];

    private static string Cautions(IReadOnlyList<Contraindication>? acknowledged) =>
        acknowledged is { Count: > 0 } ? FrontDeskHiddenFrom + string.Join(", ", acknowledged.Select(c => Words(c))) : "";

    // format() reads '%' as the start of a placeholder; doubled it is a literal.
    private static string Text(string? value) => (value ?? "").Trim().Replace("%", "%%", StringComparison.Ordinal);

    private static string List(IEnumerable<string> values)
    {
        var items = values.Select(Text).Where(v => v.Length > 0).ToList();
        return items.Count == 0 ? "none" : string.Join(", ", items);
    }

    private static string Fee(int percent, string? waiverReason) =>
        waiverReason is { } reason ? $"fee waived ({Text(reason)})"
        : percent > 0 ? $"fee {percent} %%"
        : "no fee";

    private static int Minutes(DateTimeOffset start, DateTimeOffset end) => (int)Math.Round((end - start).TotalMinutes);

    private static string Duration(int seconds) =>
        seconds % 60 == 0 && seconds >= 60 ? $"{seconds / 60} min" : $"{seconds} s";

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Measure(OutcomeInstrument instrument, decimal score) => instrument switch
    {
        OutcomeInstrument.Nprs => $"NPRS pain {Number(score)}/10",
        OutcomeInstrument.Ndi => $"NDI {Number(score)} %%",
        OutcomeInstrument.Odi => $"ODI {Number(score)} %%",
        OutcomeInstrument.Psfs => $"PSFS {Number(score)}/10",
        OutcomeInstrument.Pgic => $"PGIC {Number(score)}/7",
        _ => $"{instrument} {Number(score)}",
    };

    public static string Words(Modality modality) => modality switch
    {
        Modality.TriggerPointTherapy => "trigger point therapy",
        Modality.Swedish => "Swedish massage",
        Modality.DeepTissue => "deep tissue massage",
        Modality.MyofascialRelease => "myofascial release",
        Modality.NeuromuscularTherapy => "neuromuscular therapy",
        Modality.DryNeedling => "dry needling",
        _ => modality.ToString(),
    };

    private static string Words(ConsentScope scope) => scope switch
    {
        ConsentScope.Treatment => "treatment",
        ConsentScope.DryNeedling => "dry needling",
        ConsentScope.SensitiveAreas => "sensitive areas",
        _ => scope.ToString(),
    };

    private static string Words(Contraindication contraindication) => contraindication switch
    {
        Contraindication.Anticoagulants => "anticoagulants",
        Contraindication.NeedlePhobia => "needle phobia",
        Contraindication.Pregnancy => "pregnancy",
        Contraindication.BleedingDisorder => "bleeding disorder",
        Contraindication.Immunocompromised => "immunocompromised",
        Contraindication.MetalAllergy => "metal allergy",
        Contraindication.Lymphedema => "lymphedema",
        Contraindication.RecentSurgery => "recent surgery",
        Contraindication.Epilepsy => "epilepsy",
        _ => contraindication.ToString(),
    };

    private static string Words(BodySide side) => side switch
    {
        BodySide.Left => "left",
        BodySide.Right => "right",
        BodySide.Bilateral => "bilateral",
        _ => side.ToString(),
    };

    private static string Words(TriggerPointActivity activity) => activity == TriggerPointActivity.Active ? "active" : "latent";

    private static string Words(AdverseEventKind kind) => kind switch
    {
        AdverseEventKind.Bruising => "bruising",
        AdverseEventKind.Bleeding => "bleeding",
        AdverseEventKind.PainDuring => "pain during treatment",
        AdverseEventKind.PainAfter => "pain after treatment",
        AdverseEventKind.Aggravation => "aggravation of symptoms",
        AdverseEventKind.Drowsiness => "drowsiness",
        AdverseEventKind.Headache => "headache",
        AdverseEventKind.Nausea => "nausea",
        AdverseEventKind.Other => "other",
        _ => kind.ToString(),
    };

    private static string Words(AdverseEventSeverity severity) => severity switch
    {
        AdverseEventSeverity.Mild => "mild",
        AdverseEventSeverity.Moderate => "moderate",
        AdverseEventSeverity.Severe => "severe",
        _ => severity.ToString(),
    };
}
