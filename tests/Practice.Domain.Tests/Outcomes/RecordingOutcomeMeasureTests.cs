using Practice.Domain.Clients;
using Practice.Domain.Outcomes;
using Practice.Domain.Outcomes.RecordingOutcomeMeasure;
using Practice.Domain.Scheduling;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Outcomes.Care;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Outcomes;

public sealed class RecordingOutcomeMeasureTests
{
    private static Appointment ClientsAppointment => Build<Appointment>(Booked());

    private static Func<ClientCare, Decision> Record(
        OutcomeInstrument instrument, decimal score, Client? client = null, Guid? appointmentId = null, Appointment? appointment = null) =>
        care => RecordOutcomeMeasureHandler.Decide(
            new(ClientId, MeasureId, instrument, score, appointmentId ?? AppointmentId, Now), care, client ?? Sam, appointment ?? ClientsAppointment);

    [Fact]
    public void Records_nprs_with_its_loinc_code() =>
        Given<ClientCare>()
            .When(Record(OutcomeInstrument.Nprs, 6))
            .Then(new OutcomeMeasureCompleted(ClientId, MeasureId, OutcomeInstrument.Nprs, 6, "72514-3", AppointmentId, Now));

    [Theory]
    [InlineData(OutcomeInstrument.Nprs, 0)]
    [InlineData(OutcomeInstrument.Nprs, 10)]
    [InlineData(OutcomeInstrument.Ndi, 42.5)]
    [InlineData(OutcomeInstrument.Ndi, 100)]
    [InlineData(OutcomeInstrument.Odi, 0)]
    [InlineData(OutcomeInstrument.Psfs, 6.3)]
    [InlineData(OutcomeInstrument.Pgic, 1)]
    [InlineData(OutcomeInstrument.Pgic, 7)]
    public void Records_a_score_on_the_instruments_scale(OutcomeInstrument instrument, double score) =>
        Given<ClientCare>()
            .When(Record(instrument, (decimal)score))
            .Then(new OutcomeMeasureCompleted(
                ClientId, MeasureId, instrument, (decimal)score, instrument == OutcomeInstrument.Nprs ? "72514-3" : null, AppointmentId, Now));

    [Theory]
    [InlineData(OutcomeInstrument.Nprs, 11)]
    [InlineData(OutcomeInstrument.Nprs, -1)]
    [InlineData(OutcomeInstrument.Ndi, 100.5)]
    [InlineData(OutcomeInstrument.Odi, -0.5)]
    [InlineData(OutcomeInstrument.Psfs, 10.1)]
    [InlineData(OutcomeInstrument.Pgic, 0)]
    [InlineData(OutcomeInstrument.Pgic, 8)]
    public void Refuses_a_score_off_the_instruments_scale(OutcomeInstrument instrument, double score) =>
        Given<ClientCare>()
            .When(Record(instrument, (decimal)score))
            .ThenRejects(DomainErrorCodes.OutOfRange, "score");

    [Theory]
    [InlineData(OutcomeInstrument.Nprs, 4.5)]
    [InlineData(OutcomeInstrument.Pgic, 3.5)]
    public void Refuses_a_fraction_on_a_whole_number_scale(OutcomeInstrument instrument, double score) =>
        Given<ClientCare>()
            .When(Record(instrument, (decimal)score))
            .ThenRejects(DomainErrorCodes.InvalidValue, "score");

    [Fact]
    public void Refuses_an_unknown_instrument() =>
        Given<ClientCare>()
            .When(Record((OutcomeInstrument)99, 1))
            .ThenRejects(DomainErrorCodes.InvalidValue, "instrument");

    [Fact]
    public void Refuses_a_measure_recorded_already() =>
        Given<ClientCare>(new OutcomeMeasureCompleted(ClientId, MeasureId, OutcomeInstrument.Nprs, 6, "72514-3", AppointmentId, Now))
            .When(Record(OutcomeInstrument.Nprs, 6))
            .ThenRejects(DomainErrorCodes.AlreadyExists, "measureId");

    [Fact]
    public void Records_a_measure_taken_outside_any_visit() =>
        Given<ClientCare>()
            .When(care => RecordOutcomeMeasureHandler.Decide(new(ClientId, MeasureId, OutcomeInstrument.Pgic, 2, null, Now), care, Sam, Appointment.Initial))
            .Then(new OutcomeMeasureCompleted(ClientId, MeasureId, OutcomeInstrument.Pgic, 2, null, null, Now));

    [Fact]
    public void Refuses_an_appointment_that_does_not_exist() =>
        Given<ClientCare>()
            .When(Record(OutcomeInstrument.Nprs, 6, appointment: Appointment.Initial))
            .ThenRejects(DomainErrorCodes.AppointmentNotFound, "appointmentId");

    [Fact]
    public void Refuses_another_clients_appointment() =>
        Given<ClientCare>()
            .When(Record(OutcomeInstrument.Nprs, 6, appointment: Build<Appointment>(Booked() with { ClientId = new Guid("40000000-0000-0000-0000-000000000002") })))
            .ThenRejects(DomainErrorCodes.AppointmentNotFound, "appointmentId");

    [Fact]
    public void Refuses_a_cancelled_or_missed_appointment()
    {
        var cancelled = Build<Appointment>(Booked(), new AppointmentCancelled(AppointmentId, ClientId, TherapistId, LocationId, Start, CancelledBy.Client, "Away", false, 0, null, Now));
        var missed = Build<Appointment>(Booked(), new AppointmentMarkedNoShow(AppointmentId, ClientId, TherapistId, LocationId, Start, 0, null, Now));
        foreach (var appointment in new[] { cancelled, missed })
        {
            Given<ClientCare>()
                .When(Record(OutcomeInstrument.Nprs, 6, appointment: appointment))
                .ThenRejects(DomainErrorCodes.StatusConflict, "appointmentId");
        }
    }

    [Fact]
    public void Refuses_an_unregistered_client() =>
        Given<ClientCare>()
            .When(Record(OutcomeInstrument.Nprs, 6, Client.Initial))
            .ThenRejects(DomainErrorCodes.ClientNotFound, "clientId");
}
