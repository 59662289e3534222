using Practice.Domain.Charting;
using Practice.Domain.Charting.SigningNote;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class SigningNoteTests
{
    private static Func<TreatmentSession, Decision> Sign(
        Guid? therapistId = null, string subjective = " Neck stiff ", string objective = "Taut band upper trapezius", string assessment = "Myofascial neck pain", string plan = "Weekly for 4 weeks") =>
        session => SignNoteHandler.Decide(new(AppointmentId, therapistId ?? TherapistId, subjective, objective, assessment, plan, Signed.SignedAt), session);

    [Fact]
    public void Signs_the_note_of_a_completed_session() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Sign())
            .Then(Signed);

    [Fact]
    public void Refuses_a_note_before_the_session_is_completed() =>
        Given<TreatmentSession>(Started())
            .When(Sign())
            .ThenRejects(DomainErrorCodes.SessionNotCompleted);

    [Fact]
    public void Refuses_a_signature_by_another_therapist() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Sign(OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");

    [Fact]
    public void Refuses_to_sign_a_signed_note_again() =>
        Given<TreatmentSession>(Started(), Completed(), Signed)
            .When(Sign())
            .ThenRejects(DomainErrorCodes.NoteAlreadySigned);

    [Theory]
    [InlineData("subjective")]
    [InlineData("objective")]
    [InlineData("assessment")]
    [InlineData("plan")]
    public void Refuses_a_blank_section(string section) =>
        Given<TreatmentSession>(Started(), Completed())
            .When(section switch
            {
                "subjective" => Sign(subjective: ""),
                "objective" => Sign(objective: ""),
                "assessment" => Sign(assessment: ""),
                _ => Sign(plan: ""),
            })
            .ThenRejects(DomainErrorCodes.InvalidValue, section);

    [Fact]
    public void Refuses_a_session_not_started() =>
        Given<TreatmentSession>()
            .When(Sign())
            .ThenRejects(DomainErrorCodes.SessionNotFound, "appointmentId");
}
