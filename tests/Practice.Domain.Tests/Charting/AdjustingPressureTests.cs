using Practice.Domain.Charting;
using Practice.Domain.Charting.AdjustingPressure;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class AdjustingPressureTests
{
    private static Func<TreatmentSession, Decision> Adjust(int from, int to, Guid? therapistId = null) =>
        session => AdjustPressureHandler.Decide(new(AppointmentId, therapistId ?? TherapistId, from, to, StartedAt), session);

    [Fact]
    public void Records_the_adjustment() =>
        Given<TreatmentSession>(Started())
            .When(Adjust(4, 2))
            .Then(new PressureAdjusted(AppointmentId, ClientId, TherapistId, 4, 2, StartedAt));

    [Theory]
    [InlineData(0, 2, "from")]
    [InlineData(4, 6, "to")]
    public void Refuses_pressure_outside_one_to_five(int from, int to, string field) =>
        Given<TreatmentSession>(Started())
            .When(Adjust(from, to))
            .ThenRejects(DomainErrorCodes.OutOfRange, field);

    [Fact]
    public void Refuses_charting_on_a_completed_session() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Adjust(4, 2))
            .ThenRejects(DomainErrorCodes.SessionCompleted);

    [Fact]
    public void Refuses_charting_by_another_therapist() =>
        Given<TreatmentSession>(Started())
            .When(Adjust(4, 2, OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");
}
