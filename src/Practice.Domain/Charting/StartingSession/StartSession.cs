using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;

namespace Practice.Domain.Charting.StartingSession;

// AcknowledgedContraindications: the cautions the therapist has taken into account (see Cautions).
public sealed record StartSession(Guid AppointmentId, Guid TherapistId, IReadOnlyList<Contraindication> AcknowledgedContraindications, DateTimeOffset Now);

public static class StartSessionHandler
{
    public static Decision Decide(
        StartSession command, TreatmentSession session, Appointment appointment, Client client, Therapist therapist, Location location)
    {
        if (session.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The session has started already.", "appointmentId");
        }

        if (!appointment.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AppointmentNotFound, "The appointment does not exist.", "appointmentId");
        }

        if (appointment.Status != AppointmentStatus.Arrived)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict, "A session starts once the client has checked in.");
        }

        if (command.TherapistId != appointment.TherapistId)
        {
            return Decision.Reject(DomainErrorCodes.NotSessionTherapist, "Only the appointment's therapist may start the session.", "therapistId");
        }

        if (!client.HasConsent(ConsentScope.Treatment))
        {
            return Decision.Reject(DomainErrorCodes.ConsentRequired, "Treatment needs the client's consent.");
        }

        // Contraindications are screened at intake: without one, "none flagged" would be a guess, and the checks
        // below would pass a client nobody asked about anticoagulants or a needle phobia.
        if (!client.IntakeTaken)
        {
            return Decision.Reject(DomainErrorCodes.IntakeRequired, "Treatment starts once the client's intake is recorded (PUT /clients/{id}/intake), even one that flags nothing.");
        }

        if (appointment.Modality == Modality.DryNeedling && ChartingRules.DryNeedling(client, therapist, location, command.Now) is { } error)
        {
            return error;
        }

        var cautions = Cautions.Of(client, appointment.Modality);
        if (Cautions.Acknowledged(cautions, command.AcknowledgedContraindications) is { } unacknowledged)
        {
            return unacknowledged;
        }

        return Decision.Accept(new SessionStarted(
            command.AppointmentId, appointment.ClientId, appointment.TherapistId, appointment.LocationId, appointment.Modality, command.Now,
            cautions.Count > 0 ? cautions : null));
    }
}
