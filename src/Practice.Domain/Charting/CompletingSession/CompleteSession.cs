using Practice.Domain.Scheduling;

namespace Practice.Domain.Charting.CompletingSession;

public sealed record CompleteSession(Guid AppointmentId, Guid TherapistId, DateTimeOffset Now);

public static class CompleteSessionHandler
{
    // Also fulfils the appointment. The appointment stays "arrived" until then (nothing else moves it),
    // so its stream is appended without being loaded.
    public static Decision Decide(CompleteSession command, TreatmentSession session)
    {
        if (ChartingRules.OpenFor(session, command.TherapistId) is { } error)
        {
            return error;
        }

        return Decision.Accept(
            StreamEvents.For<TreatmentSession>(
                TreatmentSession.StreamId(command.AppointmentId),
                new SessionCompleted(
                    command.AppointmentId, session.ClientId, session.TherapistId, session.LocationId, session.Modality,
                    command.Now, command.Now + TreatmentSession.NoteDeadline, session.ModalitiesUsed)),
            StreamEvents.For<Appointment>(
                Appointment.StreamId(command.AppointmentId),
                new AppointmentFulfilled(command.AppointmentId, session.ClientId, session.TherapistId, session.LocationId, session.Modality, command.Now, session.ModalitiesUsed)));
    }
}
