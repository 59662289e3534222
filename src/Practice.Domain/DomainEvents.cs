using Practice.Domain.Charting;
using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Outcomes;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;

namespace Practice.Domain;

// The stored type name of every event. Names are stable: renaming a record keeps its name here;
// a name never changes or gets reused.
public static class DomainEvents
{
    public static IReadOnlyDictionary<string, Type> All { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["organisation-registered"] = typeof(OrganisationRegistered),
        ["location-added"] = typeof(LocationAdded),
        ["room-added"] = typeof(RoomAdded),
        ["opening-hours-set"] = typeof(OpeningHoursSet),

        ["therapist-registered"] = typeof(TherapistRegistered),
        ["therapist-modalities-set"] = typeof(TherapistModalitiesSet),
        ["credential-added"] = typeof(CredentialAdded),
        ["working-hours-set"] = typeof(WorkingHoursSet),

        ["client-registered"] = typeof(ClientRegistered),
        ["intake-recorded"] = typeof(IntakeRecorded),
        ["consent-granted"] = typeof(ConsentGranted),
        ["consent-withdrawn"] = typeof(ConsentWithdrawn),

        ["appointment-booked"] = typeof(AppointmentBooked),
        ["appointment-rescheduled"] = typeof(AppointmentRescheduled),
        ["appointment-confirmed"] = typeof(AppointmentConfirmed),
        ["appointment-checked-in"] = typeof(AppointmentCheckedIn),
        ["appointment-cancelled"] = typeof(AppointmentCancelled),
        ["appointment-marked-no-show"] = typeof(AppointmentMarkedNoShow),
        ["appointment-fulfilled"] = typeof(AppointmentFulfilled),
        ["therapist-slot-reserved"] = typeof(TherapistSlotReserved),
        ["therapist-slot-released"] = typeof(TherapistSlotReleased),
        ["room-slot-reserved"] = typeof(RoomSlotReserved),
        ["room-slot-released"] = typeof(RoomSlotReleased),

        ["session-started"] = typeof(SessionStarted),
        ["trigger-point-found"] = typeof(TriggerPointFound),
        ["technique-applied"] = typeof(TechniqueApplied),
        ["discomfort-reported"] = typeof(DiscomfortReported),
        ["pressure-adjusted"] = typeof(PressureAdjusted),
        ["pain-recorded"] = typeof(PainRecorded),
        ["adverse-event-recorded"] = typeof(AdverseEventRecorded),
        ["session-completed"] = typeof(SessionCompleted),
        ["soap-note-signed"] = typeof(SoapNoteSigned),
        ["soap-note-amended"] = typeof(SoapNoteAmended),
        ["note-overdue"] = typeof(NoteOverdue),

        ["outcome-measure-completed"] = typeof(OutcomeMeasureCompleted),
        ["treatment-plan-created"] = typeof(TreatmentPlanCreated),
        ["goal-achieved"] = typeof(GoalAchieved),
        ["client-discharged"] = typeof(ClientDischarged),
    };

    public static string NameOf(Type eventType) => Names.TryGetValue(eventType, out var name)
        ? name
        : throw new ArgumentException($"{eventType} is not a registered domain event.", nameof(eventType));

    private static readonly Dictionary<Type, string> Names = All.ToDictionary(pair => pair.Value, pair => pair.Key);
}
