using Practice.Domain.Charting;
using Practice.Domain.Charting.ReportingDiscomfort;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class ReportingDiscomfortTests
{
    private static Func<TreatmentSession, Decision> Report(int level, Guid? therapistId = null) =>
        session => ReportDiscomfortHandler.Decide(new(AppointmentId, therapistId ?? TherapistId, level, "Sharp on the left", StartedAt), session);

    [Fact]
    public void Records_reported_discomfort() =>
        Given<TreatmentSession>(Started())
            .When(Report(7))
            .Then(new DiscomfortReported(AppointmentId, ClientId, TherapistId, 7, "Sharp on the left", StartedAt));

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Refuses_a_level_outside_zero_to_ten(int level) =>
        Given<TreatmentSession>(Started())
            .When(Report(level))
            .ThenRejects(DomainErrorCodes.OutOfRange, "level");

    [Fact]
    public void Refuses_charting_on_a_completed_session() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Report(5))
            .ThenRejects(DomainErrorCodes.SessionCompleted);

    [Fact]
    public void Refuses_charting_by_another_therapist() =>
        Given<TreatmentSession>(Started())
            .When(Report(5, OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");
}
