using Practice.Domain.Clients;
using Practice.Domain.Scheduling;

namespace Practice.Domain.Outcomes.RecordingOutcomeMeasure;

// AppointmentId links the measure to the visit it was taken at, when there was one.
public sealed record RecordOutcomeMeasure(
    Guid ClientId, Guid MeasureId, OutcomeInstrument Instrument, decimal Score, Guid? AppointmentId, DateTimeOffset Now);

public static class RecordOutcomeMeasureHandler
{
    // The appointment is the one AppointmentId names (Initial when there is none), so a measure is never tied to
    // another client's visit, nor to one cancelled or missed. One still booked may take a questionnaire filled in ahead.
    public static Decision Decide(RecordOutcomeMeasure command, ClientCare care, Client client, Appointment appointment)
    {
        if (!client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.ClientNotFound, "The client is not registered.", "clientId");
        }

        if (command.AppointmentId is not null && (!appointment.Exists || appointment.ClientId != command.ClientId))
        {
            return Decision.Reject(DomainErrorCodes.AppointmentNotFound, "The client has no such appointment.", "appointmentId");
        }

        if (command.AppointmentId is not null && appointment.Status is AppointmentStatus.Cancelled or AppointmentStatus.Noshow)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict,
                $"The appointment was {(appointment.Status == AppointmentStatus.Cancelled ? "cancelled" : "missed")}: no measure was taken at it.", "appointmentId");
        }

        if (care.MeasureIds.Contains(command.MeasureId))
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The measure is recorded already.", "measureId");
        }

        (decimal Min, decimal Max, bool Whole)? scale = command.Instrument switch
        {
            OutcomeInstrument.Nprs => (0m, 10m, true),
            OutcomeInstrument.Ndi or OutcomeInstrument.Odi => (0m, 100m, false),
            OutcomeInstrument.Psfs => (0m, 10m, false),
            OutcomeInstrument.Pgic => (1m, 7m, true),
            _ => null,
        };
        if (scale is not { } range)
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, "Unknown instrument.", "instrument");
        }

        if (Validate.InRange("score", command.Score, range.Min, range.Max) is { } error)
        {
            return error;
        }

        if (range.Whole && command.Score != decimal.Truncate(command.Score))
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, $"{command.Instrument} scores are whole numbers.", "score");
        }

        var loinc = command.Instrument == OutcomeInstrument.Nprs ? LoincCodes.PainSeverity0To10 : null;
        return Decision.Accept(new OutcomeMeasureCompleted(
            command.ClientId, command.MeasureId, command.Instrument, command.Score, loinc, command.AppointmentId, command.Now));
    }
}
