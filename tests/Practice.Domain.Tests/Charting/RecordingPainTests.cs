using Practice.Domain.Charting;
using Practice.Domain.Charting.RecordingPain;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class RecordingPainTests
{
    private static Func<TreatmentSession, Decision> Record(int score, PainPhase phase = PainPhase.Before, Guid? therapistId = null) =>
        session => RecordPainHandler.Decide(new(AppointmentId, therapistId ?? TherapistId, phase, score, StartedAt), session);

    private static PainRecorded Before(int score) => new(AppointmentId, ClientId, TherapistId, Modality.Swedish, PainPhase.Before, score, "72514-3", StartedAt);

    [Theory]
    [InlineData(0, PainPhase.Before)]
    [InlineData(10, PainPhase.After)]
    public void Records_an_nprs_score_with_its_loinc_code_and_the_sessions_modality(int score, PainPhase phase) =>
        Given<TreatmentSession>(Started(Modality.Swedish), Before(6))
            .When(Record(score, phase))
            .Then(new PainRecorded(AppointmentId, ClientId, TherapistId, Modality.Swedish, phase, score, "72514-3", StartedAt));

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Refuses_a_score_outside_zero_to_ten(int score) =>
        Given<TreatmentSession>(Started())
            .When(Record(score))
            .ThenRejects(DomainErrorCodes.OutOfRange, "score");

    [Fact]
    public void Refuses_a_score_after_the_session_without_one_before_it() =>
        Given<TreatmentSession>(Started(Modality.Swedish))
            .When(Record(3, PainPhase.After))
            .ThenRejects(DomainErrorCodes.InvalidValue, "phase");

    [Fact]
    public void Takes_a_second_score_before_the_session_as_a_correction() =>
        Given<TreatmentSession>(Started(Modality.Swedish), Before(7))
            .When(Record(6))
            .Then(Before(6));

    [Fact]
    public void Refuses_charting_on_a_completed_session() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Record(3, PainPhase.After))
            .ThenRejects(DomainErrorCodes.SessionCompleted);

    [Fact]
    public void Refuses_charting_by_another_therapist() =>
        Given<TreatmentSession>(Started())
            .When(Record(3, therapistId: OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");
}
