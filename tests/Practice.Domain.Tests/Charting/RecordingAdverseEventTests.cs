using Practice.Domain.Charting;
using Practice.Domain.Charting.RecordingAdverseEvent;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class RecordingAdverseEventTests
{
    private static readonly DateTimeOffset NextDay = CompletedAt.AddDays(1);

    private static Func<TreatmentSession, Decision> Record(
        AdverseEventKind kind = AdverseEventKind.Bruising, string? note = "Small bruise, left trapezius", Guid? therapistId = null, Modality? modality = null) =>
        session => RecordAdverseEventHandler.Decide(new(AppointmentId, therapistId ?? TherapistId, kind, AdverseEventSeverity.Mild, note, NextDay, modality), session);

    private static readonly object[] NeedledInsideDeepTissue =
    [
        Started(Modality.DeepTissue),
        new TechniqueApplied(AppointmentId, ClientId, TherapistId, Modality.DryNeedling, "Deep dry needling", 3, 30, null, StartedAt),
        new TechniqueApplied(AppointmentId, ClientId, TherapistId, Modality.DeepTissue, "Stripping", 3, 60, null, StartedAt),
    ];

    // Adverse-event rates are per modality: bleeding after needling must not count against the massage it was booked as.
    [Fact]
    public void Records_the_modality_named_among_those_the_session_used() =>
        Given<TreatmentSession>(NeedledInsideDeepTissue)
            .When(Record(AdverseEventKind.Bleeding, null, modality: Modality.DryNeedling))
            .Then(new AdverseEventRecorded(
                AppointmentId, ClientId, TherapistId, Modality.DryNeedling, AdverseEventKind.Bleeding, AdverseEventSeverity.Mild, null, NextDay));

    [Fact]
    public void Asks_which_modality_when_the_session_used_several() =>
        Given<TreatmentSession>(NeedledInsideDeepTissue)
            .When(Record(AdverseEventKind.Bleeding, null))
            .ThenRejects(DomainErrorCodes.InvalidValue, "modality");

    [Fact]
    public void Refuses_a_modality_the_session_did_not_use() =>
        Given<TreatmentSession>(Started(Modality.DeepTissue))
            .When(Record(AdverseEventKind.Bleeding, null, modality: Modality.DryNeedling))
            .ThenRejects(DomainErrorCodes.InvalidValue, "modality");

    [Fact]
    public void A_session_whose_only_technique_was_another_modality_records_that_one() =>
        Given<TreatmentSession>(NeedledInsideDeepTissue[..2])
            .When(Record(AdverseEventKind.Bleeding, null))
            .Then(new AdverseEventRecorded(
                AppointmentId, ClientId, TherapistId, Modality.DryNeedling, AdverseEventKind.Bleeding, AdverseEventSeverity.Mild, null, NextDay));

    [Fact]
    public void Records_an_adverse_event_during_the_session() =>
        Given<TreatmentSession>(Started(Modality.DryNeedling))
            .When(Record())
            .Then(new AdverseEventRecorded(
                AppointmentId, ClientId, TherapistId, Modality.DryNeedling, AdverseEventKind.Bruising, AdverseEventSeverity.Mild, "Small bruise, left trapezius", NextDay));

    [Fact]
    public void Records_an_adverse_event_that_surfaces_after_completion() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Record(AdverseEventKind.PainAfter, null))
            .Then(new AdverseEventRecorded(
                AppointmentId, ClientId, TherapistId, Modality.TriggerPointTherapy, AdverseEventKind.PainAfter, AdverseEventSeverity.Mild, null, NextDay));

    [Fact]
    public void Refuses_other_without_a_note() =>
        Given<TreatmentSession>(Started())
            .When(Record(AdverseEventKind.Other, " "))
            .ThenRejects(DomainErrorCodes.InvalidValue, "note");

    [Fact]
    public void Refuses_another_therapist() =>
        Given<TreatmentSession>(Started())
            .When(Record(therapistId: OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");

    [Fact]
    public void Refuses_a_session_not_started() =>
        Given<TreatmentSession>()
            .When(Record())
            .ThenRejects(DomainErrorCodes.SessionNotFound, "appointmentId");
}
