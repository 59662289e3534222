using Practice.Domain.Charting;
using Practice.Domain.Charting.AmendingNote;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class AmendingNoteTests
{
    private static readonly Guid AmendmentId = new("80000000-0000-0000-0000-000000000001");
    private static readonly DateTimeOffset AmendedAt = CompletedAt.AddDays(2);
    private static readonly SoapNoteAmended Amended = new(AppointmentId, AmendmentId, ClientId, TherapistId, "Right side also tender", AmendedAt);

    private static Func<TreatmentSession, Decision> Amend(string text = "Right side also tender", Guid? therapistId = null) =>
        session => AmendNoteHandler.Decide(new(AppointmentId, AmendmentId, therapistId ?? TherapistId, text, AmendedAt), session);

    [Fact]
    public void Amends_a_signed_note() =>
        Given<TreatmentSession>(Started(), Completed(), Signed)
            .When(Amend())
            .Then(Amended);

    [Fact]
    public void Refuses_to_amend_an_unsigned_note() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Amend())
            .ThenRejects(DomainErrorCodes.NoteNotSigned);

    [Fact]
    public void Refuses_an_amendment_by_another_therapist() =>
        Given<TreatmentSession>(Started(), Completed(), Signed)
            .When(Amend(therapistId: OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");

    [Fact]
    public void Refuses_an_amendment_recorded_already() =>
        Given<TreatmentSession>(Started(), Completed(), Signed, Amended)
            .When(Amend())
            .ThenRejects(DomainErrorCodes.AlreadyExists, "amendmentId");

    [Fact]
    public void Refuses_a_blank_amendment() =>
        Given<TreatmentSession>(Started(), Completed(), Signed)
            .When(Amend(" "))
            .ThenRejects(DomainErrorCodes.InvalidValue, "text");

    [Fact]
    public void Refuses_a_session_not_started() =>
        Given<TreatmentSession>()
            .When(Amend())
            .ThenRejects(DomainErrorCodes.SessionNotFound, "appointmentId");
}
