using Practice.Domain.Charting;
using Practice.Domain.Charting.ApplyingTechnique;
using Practice.Domain.Clients;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class ApplyingTechniqueTests
{
    private static readonly DateTimeOffset At = StartedAt.AddMinutes(10);

    private static Func<TreatmentSession, Decision> Apply(
        Modality modality = Modality.TriggerPointTherapy,
        int pressure = 4,
        int seconds = 60,
        Guid? target = null,
        Guid? therapistId = null,
        Client? client = null,
        Therapist? therapist = null,
        bool sensitiveArea = false,
        Contraindication[]? acknowledged = null) =>
        session => ApplyTechniqueHandler.Decide(
            new(AppointmentId, therapistId ?? TherapistId, modality, "Ischemic compression", pressure, seconds, target, sensitiveArea, acknowledged ?? [], At),
            session, therapist ?? Ana, client ?? Sam, Downtown);

    // A session started as Swedish massage acknowledged nothing for deep pressure; a trigger-point technique within it asks.
    [Fact]
    public void Refuses_a_technique_whose_modality_has_cautions_not_acknowledged_at_the_start() =>
        Given<TreatmentSession>(Started(Modality.Swedish))
            .When(Apply(Modality.TriggerPointTherapy, client: WithIntake(Contraindication.Anticoagulants)))
            .ThenRejects(DomainErrorCodes.ContraindicationUnacknowledged, "acknowledgedContraindications");

    [Fact]
    public void Applies_it_once_acknowledged_and_records_the_acknowledgement() =>
        Given<TreatmentSession>(Started(Modality.Swedish))
            .When(Apply(Modality.TriggerPointTherapy, client: WithIntake(Contraindication.Anticoagulants), acknowledged: [Contraindication.Anticoagulants]))
            .Then(Applied(Modality.TriggerPointTherapy) with { AcknowledgedContraindications = [Contraindication.Anticoagulants] });

    [Fact]
    public void Asks_nothing_again_for_cautions_acknowledged_when_the_session_started() =>
        Given<TreatmentSession>(Started() with { AcknowledgedContraindications = [Contraindication.Pregnancy] })
            .When(Apply(client: WithIntake(Contraindication.Pregnancy)))
            .Then(Applied());

    [Fact]
    public void Asks_nothing_again_for_cautions_acknowledged_by_an_earlier_technique() =>
        Given<TreatmentSession>(Started(Modality.Swedish), Applied(Modality.TriggerPointTherapy) with { AcknowledgedContraindications = [Contraindication.Anticoagulants] })
            .When(Apply(Modality.TriggerPointTherapy, client: WithIntake(Contraindication.Anticoagulants)))
            .Then(Applied(Modality.TriggerPointTherapy));

    // Pregnancy weighed against deep pressure says nothing of needling in pregnancy.
    [Fact]
    public void Asks_again_for_a_caution_acknowledged_for_another_modality() =>
        Given<TreatmentSession>(Started() with { AcknowledgedContraindications = [Contraindication.Pregnancy] })
            .When(Apply(Modality.DryNeedling, client: WithDryNeedlingConsent(true, Contraindication.Pregnancy)))
            .ThenRejects(DomainErrorCodes.ContraindicationUnacknowledged, "acknowledgedContraindications");

    private static TechniqueApplied Applied(Modality modality = Modality.TriggerPointTherapy, Guid? target = null, bool sensitiveArea = false) =>
        new(AppointmentId, ClientId, TherapistId, modality, "Ischemic compression", 4, 60, target, At, sensitiveArea);

    private static readonly TriggerPointFound FoundInTheButtock = Found with { Muscle = "Gluteus medius", SensitiveArea = true };

    // What was decided when a trigger point was found holds on replay, whatever the muscle list says by then.
    [Fact]
    public void A_trigger_point_found_sensitive_stays_sensitive_though_its_muscle_is_not_listed() =>
        Given<TreatmentSession>(Started(), Found with { Muscle = "Iliopsoas", SensitiveArea = true })
            .When(Apply(target: TriggerPointId))
            .ThenRejects(DomainErrorCodes.ConsentRequired, "triggerPointId");

    [Fact]
    public void A_trigger_point_found_not_sensitive_stays_so_though_its_muscle_is_listed_now() =>
        Given<TreatmentSession>(Started(), Found with { Muscle = "Gluteus medius", SensitiveArea = false })
            .When(Apply(target: TriggerPointId))
            .Then(Applied(target: TriggerPointId));

    [Fact]
    public void A_trigger_point_from_before_its_sensitivity_was_recorded_is_judged_by_the_muscle_list() =>
        Given<TreatmentSession>(Started(), Found with { Muscle = "Gluteus medius", SensitiveArea = null })
            .When(Apply(target: TriggerPointId))
            .ThenRejects(DomainErrorCodes.ConsentRequired, "triggerPointId");

    [Fact]
    public void Applies_a_technique() =>
        Given<TreatmentSession>(Started())
            .When(Apply())
            .Then(Applied());

    [Fact]
    public void Applies_a_technique_to_a_trigger_point_found_in_the_session() =>
        Given<TreatmentSession>(Started(), Found)
            .When(Apply(target: TriggerPointId))
            .Then(Applied(target: TriggerPointId));

    [Fact]
    public void Refuses_a_trigger_point_not_found_in_the_session() =>
        Given<TreatmentSession>(Started())
            .When(Apply(target: TriggerPointId))
            .ThenRejects(DomainErrorCodes.TriggerPointNotFound, "triggerPointId");

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Refuses_pressure_outside_one_to_five(int pressure) =>
        Given<TreatmentSession>(Started())
            .When(Apply(pressure: pressure))
            .ThenRejects(DomainErrorCodes.OutOfRange, "pressure");

    [Fact]
    public void Refuses_a_duration_of_zero_seconds() =>
        Given<TreatmentSession>(Started())
            .When(Apply(seconds: 0))
            .ThenRejects(DomainErrorCodes.OutOfRange, "seconds");

    [Fact]
    public void Refuses_a_technique_once_the_client_withdrew_treatment_consent_during_the_session() =>
        Given<TreatmentSession>(Started())
            .When(Apply(client: Build<Client>([.. ClientHistory, new ConsentWithdrawn(ClientId, ConsentScope.Treatment, StartedAt.AddMinutes(5))])))
            .ThenRejects(DomainErrorCodes.ConsentRequired);

    [Fact]
    public void Refuses_a_modality_the_therapist_does_not_practise() =>
        Given<TreatmentSession>(Started())
            .When(Apply(Modality.MyofascialRelease))
            .ThenRejects(DomainErrorCodes.ModalityNotPractised, "modality");

    [Fact]
    public void Applies_dry_needling_with_written_consent_and_a_valid_credential() =>
        Given<TreatmentSession>(Started())
            .When(Apply(Modality.DryNeedling, client: WithDryNeedlingConsent()))
            .Then(Applied(Modality.DryNeedling));

    [Fact]
    public void Refuses_dry_needling_on_verbal_consent() =>
        Given<TreatmentSession>(Started())
            .When(Apply(Modality.DryNeedling, client: WithDryNeedlingConsent(written: false)))
            .ThenRejects(DomainErrorCodes.WrittenConsentRequired);

    [Fact]
    public void Refuses_dry_needling_with_an_expired_credential() =>
        Given<TreatmentSession>(Started())
            .When(Apply(Modality.DryNeedling, client: WithDryNeedlingConsent(), therapist: WithExpiredCredential))
            .ThenRejects(DomainErrorCodes.CredentialRequired, "therapistId");

    [Fact]
    public void Refuses_dry_needling_for_a_client_on_anticoagulants() =>
        Given<TreatmentSession>(Started())
            .When(Apply(Modality.DryNeedling, client: WithDryNeedlingConsent(true, Contraindication.Anticoagulants)))
            .ThenRejects(DomainErrorCodes.Contraindicated);

    [Fact]
    public void Refuses_a_technique_the_therapist_marks_sensitive_without_consent_for_sensitive_areas() =>
        Given<TreatmentSession>(Started())
            .When(Apply(sensitiveArea: true))
            .ThenRejects(DomainErrorCodes.ConsentRequired, "sensitiveArea");

    [Fact]
    public void Refuses_a_technique_on_a_trigger_point_in_a_sensitive_area_on_verbal_consent() =>
        Given<TreatmentSession>(Started(), FoundInTheButtock)
            .When(Apply(target: TriggerPointId, client: WithSensitiveAreasConsent(written: false)))
            .ThenRejects(DomainErrorCodes.WrittenConsentRequired, "triggerPointId");

    [Fact]
    public void Applies_a_technique_on_a_trigger_point_in_a_sensitive_area_with_written_consent_and_records_it_as_sensitive() =>
        Given<TreatmentSession>(Started(), FoundInTheButtock)
            .When(Apply(target: TriggerPointId, client: WithSensitiveAreasConsent()))
            .Then(Applied(target: TriggerPointId, sensitiveArea: true));

    [Fact]
    public void Applies_a_technique_marked_sensitive_with_written_consent() =>
        Given<TreatmentSession>(Started())
            .When(Apply(sensitiveArea: true, client: WithSensitiveAreasConsent()))
            .Then(Applied(sensitiveArea: true));

    [Fact]
    public void Refuses_charting_on_a_completed_session() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Apply())
            .ThenRejects(DomainErrorCodes.SessionCompleted);

    [Fact]
    public void Refuses_charting_by_another_therapist() =>
        Given<TreatmentSession>(Started())
            .When(Apply(therapistId: OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");
}
