using Practice.Domain.Charting;
using Practice.Domain.Charting.StartingSession;
using Practice.Domain.Clients;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Charting.Session;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Charting;

public sealed class StartingSessionTests
{
    private static Func<TreatmentSession, Decision> StartSession(
        object[]? appointment = null, Client? client = null, Therapist? therapist = null, Guid? therapistId = null, Contraindication[]? acknowledged = null) =>
        session => StartSessionHandler.Decide(
            new(AppointmentId, therapistId ?? TherapistId, acknowledged ?? [], StartedAt), session, Build<Appointment>(appointment ?? Arrived()),
            client ?? Sam, therapist ?? Ana, Downtown);

    [Fact]
    public void Refuses_deep_pressure_on_a_client_on_anticoagulants_until_the_therapist_acknowledges_it() =>
        Given<TreatmentSession>()
            .When(StartSession(client: WithIntake(Contraindication.Anticoagulants, Contraindication.Pregnancy), acknowledged: [Contraindication.Pregnancy]))
            .ThenRejects(DomainErrorCodes.ContraindicationUnacknowledged, "acknowledgedContraindications");

    [Fact]
    public void Starts_once_every_caution_is_acknowledged_and_records_them() =>
        Given<TreatmentSession>()
            .When(StartSession(client: WithIntake(Contraindication.Pregnancy, Contraindication.Anticoagulants),
                acknowledged: [Contraindication.Anticoagulants, Contraindication.Pregnancy]))
            .Then(Started() with { AcknowledgedContraindications = [Contraindication.Anticoagulants, Contraindication.Pregnancy] });

    // Swedish massage's light strokes are not a bruising risk; lymphedema calls for care in every modality.
    [Fact]
    public void Asks_only_for_the_cautions_of_the_sessions_modality() =>
        Given<TreatmentSession>()
            .When(StartSession(appointment: Arrived(Modality.Swedish), client: WithIntake(Contraindication.Anticoagulants)))
            .Then(Started(Modality.Swedish));

    [Fact]
    public void Refuses_a_caution_that_applies_in_every_modality_unacknowledged() =>
        Given<TreatmentSession>()
            .When(StartSession(appointment: Arrived(Modality.Swedish), client: WithIntake(Contraindication.Lymphedema)))
            .ThenRejects(DomainErrorCodes.ContraindicationUnacknowledged, "acknowledgedContraindications");

    [Fact]
    public void Starts_the_session_of_an_arrived_client() =>
        Given<TreatmentSession>()
            .When(StartSession())
            .Then(Started());

    [Fact]
    public void Refuses_a_client_whose_intake_was_never_taken() =>
        Given<TreatmentSession>()
            .When(StartSession(client: Build<Client>(
                new ClientRegistered(ClientId, "Sam Lee", new DateOnly(1985, 4, 12), new Contact(null, null), Now),
                new ConsentGranted(ClientId, ConsentScope.Treatment, true, null, Now))))
            .ThenRejects(DomainErrorCodes.IntakeRequired);

    [Fact]
    public void Refuses_a_second_start() =>
        Given<TreatmentSession>(Started())
            .When(StartSession())
            .ThenRejects(DomainErrorCodes.AlreadyExists, "appointmentId");

    [Fact]
    public void Refuses_an_unknown_appointment() =>
        Given<TreatmentSession>()
            .When(StartSession(appointment: []))
            .ThenRejects(DomainErrorCodes.AppointmentNotFound, "appointmentId");

    [Fact]
    public void Refuses_a_client_who_has_not_checked_in() =>
        Given<TreatmentSession>()
            .When(StartSession(appointment: [Booked()]))
            .ThenRejects(DomainErrorCodes.StatusConflict);

    [Fact]
    public void Refuses_another_therapist() =>
        Given<TreatmentSession>()
            .When(StartSession(therapistId: OtherTherapistId))
            .ThenRejects(DomainErrorCodes.NotSessionTherapist, "therapistId");

    [Fact]
    public void Refuses_without_treatment_consent() =>
        Given<TreatmentSession>()
            .When(StartSession(client: Build<Client>([.. ClientHistory, new ConsentWithdrawn(ClientId, ConsentScope.Treatment, Now)])))
            .ThenRejects(DomainErrorCodes.ConsentRequired);

    [Fact]
    public void Starts_dry_needling_with_written_consent_and_a_valid_credential() =>
        Given<TreatmentSession>()
            .When(StartSession(Arrived(Modality.DryNeedling), WithDryNeedlingConsent()))
            .Then(Started(Modality.DryNeedling));

    [Fact]
    public void Refuses_dry_needling_without_dry_needling_consent() =>
        Given<TreatmentSession>()
            .When(StartSession(Arrived(Modality.DryNeedling)))
            .ThenRejects(DomainErrorCodes.ConsentRequired);

    [Fact]
    public void Refuses_dry_needling_on_verbal_consent() =>
        Given<TreatmentSession>()
            .When(StartSession(Arrived(Modality.DryNeedling), WithDryNeedlingConsent(written: false)))
            .ThenRejects(DomainErrorCodes.WrittenConsentRequired);

    [Fact]
    public void Refuses_dry_needling_with_an_expired_credential() =>
        Given<TreatmentSession>()
            .When(StartSession(Arrived(Modality.DryNeedling), WithDryNeedlingConsent(), WithExpiredCredential))
            .ThenRejects(DomainErrorCodes.CredentialRequired, "therapistId");

    [Theory]
    [InlineData(Contraindication.Anticoagulants)]
    [InlineData(Contraindication.NeedlePhobia)]
    [InlineData(Contraindication.BleedingDisorder)]
    public void Refuses_dry_needling_for_a_contraindication(Contraindication contraindication) =>
        Given<TreatmentSession>()
            .When(StartSession(Arrived(Modality.DryNeedling), WithDryNeedlingConsent(true, contraindication)))
            .ThenRejects(DomainErrorCodes.Contraindicated);
}
