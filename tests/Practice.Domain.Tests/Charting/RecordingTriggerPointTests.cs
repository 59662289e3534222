using Practice.Domain.Charting;
using Practice.Domain.Charting.RecordingTriggerPoint;
using Practice.Domain.Clients;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class RecordingTriggerPointTests
{
    private static Func<TreatmentSession, Decision> Record(
        decimal? kpa = 245.2m, string muscle = "Upper trapezius", Guid? therapistId = null, Client? client = null, bool sensitiveArea = false) =>
        session => RecordTriggerPointHandler.Decide(
            new(AppointmentId, TriggerPointId, therapistId ?? TherapistId, muscle, BodySide.Left, TriggerPointActivity.Active, true, true, "Temple", kpa, sensitiveArea, StartedAt),
            session, client ?? Sam);

    [Theory]
    [InlineData("Gluteus medius")]
    [InlineData("  pectoralis   MINOR ")]
    [InlineData("Adductor magnus")]
    public void Refuses_a_trigger_point_in_a_sensitive_area_without_consent_for_sensitive_areas(string muscle) =>
        Given<TreatmentSession>(Started())
            .When(Record(muscle: muscle))
            .ThenRejects(DomainErrorCodes.ConsentRequired, "muscle");

    [Fact]
    public void Refuses_a_trigger_point_in_a_sensitive_area_on_verbal_consent() =>
        Given<TreatmentSession>(Started())
            .When(Record(muscle: "Piriformis", client: WithSensitiveAreasConsent(written: false)))
            .ThenRejects(DomainErrorCodes.WrittenConsentRequired, "muscle");

    [Fact]
    public void Records_a_trigger_point_in_a_sensitive_area_with_written_consent() =>
        Given<TreatmentSession>(Started())
            .When(Record(muscle: "Gluteus medius", client: WithSensitiveAreasConsent()))
            .Then(Found with { Muscle = "Gluteus medius", SensitiveArea = true });

    [Fact]
    public void Refuses_a_trigger_point_the_therapist_marks_sensitive_without_consent_for_sensitive_areas() =>
        Given<TreatmentSession>(Started())
            .When(Record(muscle: "Iliopsoas", sensitiveArea: true))
            .ThenRejects(DomainErrorCodes.ConsentRequired, "muscle");

    [Fact]
    public void Records_a_trigger_point_the_therapist_marks_sensitive_as_sensitive() =>
        Given<TreatmentSession>(Started())
            .When(Record(muscle: "Iliopsoas", sensitiveArea: true, client: WithSensitiveAreasConsent()))
            .Then(Found with { Muscle = "Iliopsoas", SensitiveArea = true });

    // Withdrawal mid-session stops palpation as it stops treatment.
    [Fact]
    public void Refuses_a_trigger_point_once_treatment_consent_is_withdrawn() =>
        Given<TreatmentSession>(Started())
            .When(Record(client: Build<Client>([.. ClientHistory, new ConsentWithdrawn(ClientId, ConsentScope.Treatment, StartedAt)])))
            .ThenRejects(DomainErrorCodes.ConsentRequired);

    [Fact]
    public void Records_a_trigger_point() =>
        Given<TreatmentSession>(Started())
            .When(Record())
            .Then(Found);

    [Fact]
    public void Records_a_trigger_point_without_an_algometer_reading() =>
        Given<TreatmentSession>(Started())
            .When(Record(kpa: null))
            .Then(Found with { PressurePainThresholdKpa = null });

    [Fact]
    public void Refuses_a_pressure_pain_threshold_of_zero() =>
        Given<TreatmentSession>(Started())
            .When(Record(kpa: 0m))
            .ThenRejects(DomainErrorCodes.OutOfRange, "pressurePainThresholdKpa");

    [Fact]
    public void Refuses_a_blank_muscle() =>
        Given<TreatmentSession>(Started())
            .When(Record(muscle: " "))
            .ThenRejects(DomainErrorCodes.InvalidValue, "muscle");

    [Fact]
    public void Refuses_a_trigger_point_recorded_already() =>
        Given<TreatmentSession>(Started(), Found)
            .When(Record())
            .ThenRejects(DomainErrorCodes.AlreadyExists, "triggerPointId");

    [Fact]
    public void Refuses_charting_on_a_completed_session() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Record())
            .ThenRejects(DomainErrorCodes.SessionCompleted);

    [Fact]
    public void Refuses_charting_by_another_therapist() =>
        Given<TreatmentSession>(Started())
            .When(Record(therapistId: OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");

    [Fact]
    public void Refuses_a_session_not_started() =>
        Given<TreatmentSession>()
            .When(Record())
            .ThenRejects(DomainErrorCodes.SessionNotFound, "appointmentId");
}
