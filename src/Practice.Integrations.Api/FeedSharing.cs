using System.Collections.Frozen;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Practice.EventStore;
using Practice.ServiceDefaults;

namespace Practice.Integrations.Api;

/// <summary>
/// What a partner reads of the feed. Every integration token reads the clinic's running of its day: its
/// locations, therapists, clients' registrations and appointments. Clinical records (intakes, consents,
/// charting, notes, outcomes) need the <see cref="ClinicalScope"/>, which an EHR holds and a booking site does
/// not. The day streams' slot bookkeeping is never shared: it repeats the appointments. A type nobody has
/// classified here, one a newer version writes say, is withheld from partners rather than guessed at.
/// The clinic's own manager reads every event.
/// </summary>
public static class FeedSharing
{
    public const string ClinicalScope = "feed:clinical";

    public static FrozenSet<string> Operational { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "organisation-registered", "location-added", "room-added", "opening-hours-set",
        "therapist-registered", "therapist-modalities-set", "credential-added", "working-hours-set",
        "client-registered",
        "appointment-booked", "appointment-rescheduled", "appointment-confirmed", "appointment-checked-in",
        "appointment-cancelled", "appointment-marked-no-show", "appointment-fulfilled");

    public static FrozenSet<string> Clinical { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "intake-recorded", "consent-granted", "consent-withdrawn",
        "session-started", "trigger-point-found", "technique-applied", "discomfort-reported", "pressure-adjusted",
        "pain-recorded", "adverse-event-recorded", "session-completed", "soap-note-signed", "soap-note-amended", "note-overdue",
        "outcome-measure-completed", "treatment-plan-created", "goal-achieved", "client-discharged");

    public static FrozenSet<string> NeverShared { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "therapist-slot-reserved", "therapist-slot-released", "room-slot-reserved", "room-slot-released");

    /// <summary>Fields no feed reader gets, as the Operations API shows them to nobody: a therapist's licence number.</summary>
    private static readonly FrozenDictionary<string, string[]> WithheldFields =
        new Dictionary<string, string[]>(StringComparer.Ordinal) { ["credential-added"] = ["number"] }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Clinical facts inside an operational event, withheld unless the caller reads clinical records: what a session used.</summary>
    private static readonly FrozenDictionary<string, string[]> ClinicalFields =
        new Dictionary<string, string[]>(StringComparer.Ordinal) { ["appointment-fulfilled"] = ["modalitiesUsed"] }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether the caller reads clinical records: the clinic's manager, or a partner granted the clinical scope.</summary>
    public static bool ReadsClinical(ClaimsPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsInRole(Roles.Manager) || caller.HasScope(ClinicalScope);
    }

    /// <summary>The stored type names the caller may read; null for every event.</summary>
    public static IReadOnlySet<string>? StoredTypesFor(ClaimsPrincipal caller, EventTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(registry);
        if (caller.IsInRole(Roles.Manager))
        {
            return null;
        }
        return registry.StoredNamesOf(ReadsClinical(caller) ? Operational.Concat(Clinical) : Operational);
    }

    /// <summary>The event's data without the fields no reader gets, nor, for a caller who does not read clinical records, its clinical ones.</summary>
    public static JsonElement Withhold(string currentType, JsonElement data, bool readsClinical)
    {
        string[] fields = [.. WithheldFields.GetValueOrDefault(currentType, []), .. readsClinical ? [] : ClinicalFields.GetValueOrDefault(currentType, [])];
        if (fields.Length == 0 || data.ValueKind != JsonValueKind.Object)
        {
            return data;
        }
        var copy = JsonNode.Parse(data.GetRawText())!.AsObject();
        foreach (var field in fields)
        {
            copy.Remove(field);
        }
        return JsonSerializer.SerializeToElement(copy);
    }
}
