using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;

namespace Practice.Domain.Tests;

// A Toronto clinic (UTC-5 in January) with one therapist and one client, a week before a Tuesday appointment.
internal static class Clinic
{
    public static readonly Guid OrganisationId = new("0a000000-0000-0000-0000-000000000001");
    public static readonly Guid LocationId = new("10000000-0000-0000-0000-000000000001");
    public static readonly Guid OtherLocationId = new("10000000-0000-0000-0000-000000000002");
    public static readonly Guid RoomId = new("20000000-0000-0000-0000-000000000001");
    public static readonly Guid OtherRoomId = new("20000000-0000-0000-0000-000000000002");
    public static readonly Guid TherapistId = new("30000000-0000-0000-0000-000000000001");
    public static readonly Guid OtherTherapistId = new("30000000-0000-0000-0000-000000000002");
    public static readonly Guid ClientId = new("40000000-0000-0000-0000-000000000001");
    public static readonly Guid AppointmentId = new("50000000-0000-0000-0000-000000000001");
    public static readonly Guid OtherAppointmentId = new("50000000-0000-0000-0000-000000000002");
    public static readonly Guid CredentialId = new("60000000-0000-0000-0000-000000000001");

    public const string TimeZoneId = "America/Toronto";
    public const string Jurisdiction = "CA-ON";

    // Monday 2026-01-05, 07:00 in Toronto.
    public static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    // Tuesday 2026-01-13, 10:00 in Toronto.
    public static readonly DateTimeOffset Start = new(2026, 1, 13, 15, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Day = new(2026, 1, 13);
    public static readonly DateTimeOffset End = Start.AddMinutes(60);

    public static readonly DateOnly CredentialExpiresOn = new(2026, 1, 31);

    public static readonly Address DowntownAddress = new("12 King St W", "Toronto", "ON", "M5H 1A1", "CA");

    public static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(-5));

    public static OrganisationRegistered BodyworksRegistered { get; } = new(OrganisationId, "Bodyworks", Now);

    public static object[] LocationHistory =>
    [
        new LocationAdded(LocationId, OrganisationId, "Downtown", TimeZoneId, Jurisdiction, DowntownAddress, Now),
        new RoomAdded(LocationId, RoomId, "Room 1", Now),
        new OpeningHoursSet(
            LocationId,
            [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday }
                .Select(d => new WeeklyHours(d, new TimeOnly(9, 0), new TimeOnly(18, 0)))],
            Now),
    ];

    public static object[] TherapistHistory =>
    [
        new TherapistRegistered(TherapistId, "Ana Silva", [LocationId], Now),
        new TherapistModalitiesSet(TherapistId, [Modality.TriggerPointTherapy, Modality.Swedish, Modality.DryNeedling], Now),
        new CredentialAdded(TherapistId, CredentialId, CredentialKinds.DryNeedling, Jurisdiction, "DN-1234", CredentialExpiresOn, Now),
        new WorkingHoursSet(
            TherapistId,
            [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
                .Select(d => new WeeklyHours(d, new TimeOnly(9, 0), new TimeOnly(17, 0)))],
            Now),
    ];

    public static object[] ClientHistory =>
    [
        new ClientRegistered(ClientId, "Sam Lee", new DateOnly(1985, 4, 12), new Contact("sam@example.org", null), Now),
        new IntakeRecorded(ClientId, ["neck pain"], [], Now),
        new ConsentGranted(ClientId, ConsentScope.Treatment, true, null, Now),
    ];

    public static Organisation Bodyworks => State.Fold<Organisation>([BodyworksRegistered]);

    public static Location Downtown => State.Fold<Location>(LocationHistory);

    public static Therapist Ana => State.Fold<Therapist>(TherapistHistory);

    public static Client Sam => State.Fold<Client>(ClientHistory);

    public static AppointmentBooked Booked(Modality modality = Modality.TriggerPointTherapy) =>
        new(AppointmentId, LocationId, RoomId, TherapistId, ClientId, modality, Start, End, Day, Now);
}
