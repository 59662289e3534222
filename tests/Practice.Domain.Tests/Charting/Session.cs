using Practice.Domain.Charting;
using Practice.Domain.Clients;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Clinic;

namespace Practice.Domain.Tests.Charting;

// A checked-in appointment on the Tuesday and its session, started five minutes after the start.
internal static class Session
{
    public static readonly DateTimeOffset StartedAt = Start.AddMinutes(5);
    public static readonly DateTimeOffset CompletedAt = End;
    public static readonly DateTimeOffset NoteDueBy = CompletedAt.AddHours(72);
    public static readonly Guid TriggerPointId = new("70000000-0000-0000-0000-000000000001");

    public static object[] Arrived(Modality modality = Modality.TriggerPointTherapy) =>
        [Booked(modality), new AppointmentCheckedIn(AppointmentId, ClientId, TherapistId, LocationId, Start.AddMinutes(-10))];

    public static SessionStarted Started(Modality modality = Modality.TriggerPointTherapy) =>
        new(AppointmentId, ClientId, TherapistId, LocationId, modality, StartedAt);

    public static SessionCompleted Completed(Modality modality = Modality.TriggerPointTherapy) =>
        new(AppointmentId, ClientId, TherapistId, LocationId, modality, CompletedAt, NoteDueBy);

    public static SoapNoteSigned Signed { get; } =
        new(AppointmentId, ClientId, TherapistId, "Neck stiff", "Taut band upper trapezius", "Myofascial neck pain", "Weekly for 4 weeks", CompletedAt.AddHours(1));

    public static TriggerPointFound Found { get; } =
        new(AppointmentId, TriggerPointId, ClientId, TherapistId, "Upper trapezius", BodySide.Left, TriggerPointActivity.Active, true, true, "Temple", 245.2m, StartedAt, false);

    public static Client WithDryNeedlingConsent(bool written = true, params Contraindication[] contraindications) => Spec.Build<Client>(
    [
        .. ClientHistory,
        new ConsentGranted(ClientId, ConsentScope.DryNeedling, written, null, Now),
        new IntakeRecorded(ClientId, ["Neck pain"], contraindications, Now),
    ]);

    public static Client WithIntake(params Contraindication[] contraindications) =>
        Spec.Build<Client>([.. ClientHistory, new IntakeRecorded(ClientId, ["Neck pain"], contraindications, Now)]);

    public static Client WithSensitiveAreasConsent(bool written = true) => Spec.Build<Client>(
    [
        .. ClientHistory,
        new ConsentGranted(ClientId, ConsentScope.SensitiveAreas, written, null, Now),
    ]);

    public static Therapist WithExpiredCredential => Spec.Build<Therapist>(
    [
        .. TherapistHistory.Where(e => e is not CredentialAdded),
        new CredentialAdded(TherapistId, CredentialId, CredentialKinds.DryNeedling, Jurisdiction, "DN-1234", Day.AddDays(-1), Now),
    ]);
}
