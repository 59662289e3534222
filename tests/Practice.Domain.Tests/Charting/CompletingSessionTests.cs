using Practice.Domain.Charting;
using Practice.Domain.Charting.CompletingSession;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class CompletingSessionTests
{
    private static Func<TreatmentSession, Decision> Complete(Guid? therapistId = null) =>
        session => CompleteSessionHandler.Decide(new(AppointmentId, therapistId ?? TherapistId, CompletedAt), session);

    [Fact]
    public void Completes_the_session_setting_the_note_deadline_and_fulfils_the_appointment() =>
        Given<TreatmentSession>(Started())
            .When(Complete())
            .ThenStreams(
                StreamEvents.For<TreatmentSession>(TreatmentSession.StreamId(AppointmentId), Completed() with { ModalitiesUsed = [Modality.TriggerPointTherapy] }),
                StreamEvents.For<Appointment>(
                    Appointment.StreamId(AppointmentId),
                    new AppointmentFulfilled(AppointmentId, ClientId, TherapistId, LocationId, Modality.TriggerPointTherapy, CompletedAt, [Modality.TriggerPointTherapy])));

    // Billing charges what was done: needling inside a deep tissue booking is on the fulfilment.
    [Fact]
    public void Names_every_modality_the_sessions_techniques_used() =>
        Given<TreatmentSession>(
                Started(Modality.DeepTissue),
                new TechniqueApplied(AppointmentId, ClientId, TherapistId, Modality.DryNeedling, "Deep dry needling", 3, 30, null, StartedAt),
                new TechniqueApplied(AppointmentId, ClientId, TherapistId, Modality.DeepTissue, "Stripping", 3, 60, null, StartedAt))
            .When(Complete())
            .ThenStreams(
                StreamEvents.For<TreatmentSession>(
                    TreatmentSession.StreamId(AppointmentId), Completed(Modality.DeepTissue) with { ModalitiesUsed = [Modality.DeepTissue, Modality.DryNeedling] }),
                StreamEvents.For<Appointment>(
                    Appointment.StreamId(AppointmentId),
                    new AppointmentFulfilled(AppointmentId, ClientId, TherapistId, LocationId, Modality.DeepTissue, CompletedAt, [Modality.DeepTissue, Modality.DryNeedling])));

    [Fact]
    public void Fulfilment_moves_the_appointment_to_fulfilled() =>
        Assert.Equal(
            AppointmentStatus.Fulfilled,
            Build<Appointment>([.. Arrived(), new AppointmentFulfilled(AppointmentId, ClientId, TherapistId, LocationId, Modality.TriggerPointTherapy, CompletedAt)]).Status);

    [Fact]
    public void Refuses_a_second_completion() =>
        Given<TreatmentSession>(Started(), Completed())
            .When(Complete())
            .ThenRejects(DomainErrorCodes.SessionCompleted);

    [Fact]
    public void Refuses_another_therapist() =>
        Given<TreatmentSession>(Started())
            .When(Complete(OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");
}
