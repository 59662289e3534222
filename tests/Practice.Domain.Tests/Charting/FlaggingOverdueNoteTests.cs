using Practice.Domain.Charting;
using Practice.Domain.Charting.FlaggingOverdueNote;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class FlaggingOverdueNoteTests
{
    private static readonly DateTimeOffset PastDeadline = NoteDueBy.AddMinutes(1);

    private static Func<TreatmentSession, Decision> Flag(DateTimeOffset now) =>
        session => FlagOverdueNoteHandler.Decide(new(AppointmentId, now), session);

    [Fact]
    public void Flags_an_unsigned_note_past_72_hours() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Flag(PastDeadline))
            .Then(new NoteOverdue(AppointmentId, ClientId, TherapistId, CompletedAt.AddHours(72), PastDeadline));

    [Fact]
    public void Flags_nothing_at_the_deadline() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Flag(NoteDueBy))
            .ThenNothing();

    [Fact]
    public void Flags_nothing_once_signed() =>
        Given<TreatmentSession>(Started(), Completed(), Signed)
            .When(Flag(PastDeadline))
            .ThenNothing();

    [Fact]
    public void Flags_an_overdue_note_once() =>
        Given<TreatmentSession>(Started(), Completed(), new NoteOverdue(AppointmentId, ClientId, TherapistId, NoteDueBy, PastDeadline))
            .When(Flag(PastDeadline.AddHours(1)))
            .ThenNothing();

    [Fact]
    public void Flags_nothing_while_the_session_runs() =>
        Given<TreatmentSession>(Started())
            .When(Flag(StartedAt.AddDays(5)))
            .ThenNothing();

    [Fact]
    public void Refuses_a_session_not_started() =>
        Given<TreatmentSession>()
            .When(Flag(PastDeadline))
            .ThenRejects(DomainErrorCodes.SessionNotFound, "appointmentId");
}
