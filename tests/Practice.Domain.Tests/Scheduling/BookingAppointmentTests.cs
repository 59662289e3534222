using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Scheduling;
using Practice.Domain.Scheduling.BookingAppointment;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Scheduling;

public sealed class BookingAppointmentTests
{
    private static readonly TimeSpan Buffer = SchedulingPolicy.Default.BufferAfter;

    // Works every day around the clock, so only the location's opening hours limit a booking.
    private static Therapist AlwaysWorking => Build<Therapist>(
    [
        .. TherapistHistory,
        new WorkingHoursSet(TherapistId, [.. Enum.GetValues<DayOfWeek>().Select(d => new WeeklyHours(d, TimeOnly.MinValue, TimeOnly.MaxValue))], Now),
    ]);

    private static BookAppointment Command(
        DateTimeOffset? start = null, Modality modality = Modality.TriggerPointTherapy, Guid? roomId = null, int durationMinutes = 60, DateTimeOffset? now = null) =>
        new(AppointmentId, LocationId, roomId ?? RoomId, TherapistId, ClientId, modality, start ?? Start, durationMinutes, now ?? Now);

    private static Func<Appointment, Decision> Book(
        BookAppointment command, Location? location = null, Therapist? therapist = null, Client? client = null, TherapistDay? therapistDay = null, RoomDay? roomDay = null) =>
        appointment => BookAppointmentHandler.Decide(
            command, appointment, location ?? Downtown, therapist ?? Ana, client ?? Sam,
            therapistDay ?? TherapistDay.Initial, roomDay ?? RoomDay.Initial, SchedulingPolicy.Default);

    private static TherapistDay TherapistTaken(DateTimeOffset from, DateTimeOffset until) =>
        Build<TherapistDay>(new TherapistSlotReserved(TherapistId, Day, OtherAppointmentId, LocationId, from, until));

    [Fact]
    public void Books_and_reserves_therapist_and_room_until_the_buffer_ends() =>
        Given<Appointment>()
            .When(Book(Command()))
            .ThenStreams(
                StreamEvents.For<Appointment>(Appointment.StreamId(AppointmentId), Booked()),
                StreamEvents.For<TherapistDay>(
                    TherapistDay.StreamId(TherapistId, Day), new TherapistSlotReserved(TherapistId, Day, AppointmentId, LocationId, Start, End + Buffer)),
                StreamEvents.For<RoomDay>(
                    RoomDay.StreamId(RoomId, Day), new RoomSlotReserved(RoomId, Day, AppointmentId, LocationId, Start, End + Buffer)));

    [Fact]
    public void Keys_the_day_streams_by_the_locations_local_date()
    {
        var evening = Local(1, 13, 19, 30);
        var lateOpening = Build<Location>([.. LocationHistory, new OpeningHoursSet(LocationId, [new(DayOfWeek.Tuesday, new(9, 0), new(21, 0))], Now)]);

        var decision = Book(Command(evening), lateOpening, AlwaysWorking)(Appointment.Initial);

        Assert.Equal(new DateOnly(2026, 1, 14), DateOnly.FromDateTime(evening.UtcDateTime));
        Assert.Equal(
            [Appointment.StreamId(AppointmentId), TherapistDay.StreamId(TherapistId, Day), RoomDay.StreamId(RoomId, Day)],
            decision.Streams.Select(s => s.StreamId));
    }

    [Fact]
    public void Refuses_an_existing_appointment() =>
        Given<Appointment>(Booked())
            .When(Book(Command()))
            .ThenRejects(DomainErrorCodes.AlreadyExists, "appointmentId");

    [Fact]
    public void Refuses_an_unregistered_client() =>
        Given<Appointment>()
            .When(Book(Command(), client: Client.Initial))
            .ThenRejects(DomainErrorCodes.ClientNotFound, "clientId");

    [Fact]
    public void Refuses_an_unknown_location() =>
        Given<Appointment>()
            .When(Book(Command(), location: Location.Initial))
            .ThenRejects(DomainErrorCodes.LocationNotFound, "locationId");

    [Fact]
    public void Refuses_an_unregistered_therapist() =>
        Given<Appointment>()
            .When(Book(Command(), therapist: Therapist.Initial))
            .ThenRejects(DomainErrorCodes.TherapistNotFound, "therapistId");

    [Fact]
    public void Refuses_a_room_of_another_location() =>
        Given<Appointment>()
            .When(Book(Command(roomId: OtherRoomId)))
            .ThenRejects(DomainErrorCodes.NotAtLocation, "roomId");

    [Fact]
    public void Refuses_a_therapist_who_does_not_work_at_the_location() =>
        Given<Appointment>()
            .When(Book(Command(), therapist: Build<Therapist>([new TherapistRegistered(TherapistId, "Ana Silva", [OtherLocationId], Now), .. TherapistHistory.Skip(1)])))
            .ThenRejects(DomainErrorCodes.NotAtLocation, "therapistId");

    [Fact]
    public void Refuses_a_modality_the_therapist_does_not_practise() =>
        Given<Appointment>()
            .When(Book(Command(modality: Modality.DeepTissue)))
            .ThenRejects(DomainErrorCodes.ModalityNotPractised, "modality");

    [Fact]
    public void Books_dry_needling_with_a_credential_valid_on_the_day() =>
        Given<Appointment>()
            .When(Book(Command(modality: Modality.DryNeedling)))
            .Then(
                Booked(Modality.DryNeedling),
                new TherapistSlotReserved(TherapistId, Day, AppointmentId, LocationId, Start, End + Buffer),
                new RoomSlotReserved(RoomId, Day, AppointmentId, LocationId, Start, End + Buffer));

    [Fact]
    public void Counts_a_credential_on_its_expiry_day()
    {
        var expiresOnTheDay = Build<Therapist>(
        [
            .. TherapistHistory.Where(e => e is not CredentialAdded),
            new CredentialAdded(TherapistId, CredentialId, CredentialKinds.DryNeedling, Jurisdiction, "DN-1234", Day, Now),
        ]);

        Assert.True(Book(Command(modality: Modality.DryNeedling), therapist: expiresOnTheDay)(Appointment.Initial).IsSuccess);
    }

    [Fact]
    public void Refuses_dry_needling_after_the_credential_expired() =>
        Given<Appointment>()
            .When(Book(Command(Local(2, 3, 10, 0), Modality.DryNeedling)))
            .ThenRejects(DomainErrorCodes.CredentialRequired, "therapistId");

    [Fact]
    public void Refuses_dry_needling_with_a_credential_of_another_jurisdiction() =>
        Given<Appointment>()
            .When(Book(
                Command(modality: Modality.DryNeedling),
                therapist: Build<Therapist>(
                [
                    .. TherapistHistory.Where(e => e is not CredentialAdded),
                    new CredentialAdded(TherapistId, CredentialId, CredentialKinds.DryNeedling, "CA-BC", "BC-1", new(2030, 1, 1), Now),
                ])))
            .ThenRejects(DomainErrorCodes.CredentialRequired, "therapistId");

    [Fact]
    public void Refuses_less_notice_than_the_policy_asks() =>
        Given<Appointment>()
            .When(Book(Command(now: Start - TimeSpan.FromMinutes(119))))
            .ThenRejects(DomainErrorCodes.NoticeTooShort, "start");

    [Fact]
    public void Refuses_a_start_beyond_the_booking_horizon() =>
        Given<Appointment>()
            .When(Book(Command(now: Start - TimeSpan.FromDays(90) - TimeSpan.FromMinutes(1))))
            .ThenRejects(DomainErrorCodes.BeyondHorizon, "start");

    [Fact]
    public void Reads_opening_hours_in_the_locations_time_zone() =>
        Given<Appointment>()
            .When(Book(Command(Local(1, 13, 16, 30)), therapist: AlwaysWorking))
            .Then(
                new AppointmentBooked(
                    AppointmentId, LocationId, RoomId, TherapistId, ClientId, Modality.TriggerPointTherapy, Local(1, 13, 16, 30), Local(1, 13, 17, 30), Day, Now),
                new TherapistSlotReserved(TherapistId, Day, AppointmentId, LocationId, Local(1, 13, 16, 30), Local(1, 13, 17, 30) + Buffer),
                new RoomSlotReserved(RoomId, Day, AppointmentId, LocationId, Local(1, 13, 16, 30), Local(1, 13, 17, 30) + Buffer));

    [Fact]
    public void Refuses_a_start_before_opening() =>
        Given<Appointment>()
            .When(Book(Command(Local(1, 13, 8, 0)), therapist: AlwaysWorking))
            .ThenRejects(DomainErrorCodes.OutsideOpeningHours, "start");

    [Fact]
    public void Refuses_a_session_running_past_closing() =>
        Given<Appointment>()
            .When(Book(Command(Local(1, 13, 17, 30)), therapist: AlwaysWorking))
            .ThenRejects(DomainErrorCodes.OutsideOpeningHours, "start");

    // Morning and afternoon entered as two intervals that meet at noon: the clinic is open straight through.
    private static Location SplitAtNoon(TimeOnly afternoonOpens) => Build<Location>(
    [
        .. LocationHistory,
        new OpeningHoursSet(LocationId, [new(DayOfWeek.Tuesday, new(9, 0), new(12, 0)), new(DayOfWeek.Tuesday, afternoonOpens, new(17, 0))], Now),
    ]);

    [Fact]
    public void Books_across_two_opening_intervals_that_meet() =>
        Given<Appointment>()
            .When(Book(Command(Local(1, 13, 11, 30)), SplitAtNoon(new(12, 0)), AlwaysWorking))
            .Then(
                new AppointmentBooked(
                    AppointmentId, LocationId, RoomId, TherapistId, ClientId, Modality.TriggerPointTherapy, Local(1, 13, 11, 30), Local(1, 13, 12, 30), Day, Now),
                new TherapistSlotReserved(TherapistId, Day, AppointmentId, LocationId, Local(1, 13, 11, 30), Local(1, 13, 12, 30) + Buffer),
                new RoomSlotReserved(RoomId, Day, AppointmentId, LocationId, Local(1, 13, 11, 30), Local(1, 13, 12, 30) + Buffer));

    [Fact]
    public void Refuses_a_session_across_a_gap_between_opening_intervals() =>
        Given<Appointment>()
            .When(Book(Command(Local(1, 13, 11, 30)), SplitAtNoon(new(12, 15)), AlwaysWorking))
            .ThenRejects(DomainErrorCodes.OutsideOpeningHours, "start");

    [Fact]
    public void Books_across_two_working_intervals_that_meet()
    {
        var splitShift = Build<Therapist>(
        [
            .. TherapistHistory,
            new WorkingHoursSet(TherapistId, [new(DayOfWeek.Tuesday, new(9, 0), new(12, 0)), new(DayOfWeek.Tuesday, new(12, 0), new(17, 0))], Now),
        ]);

        Assert.True(Book(Command(Local(1, 13, 11, 30)), SplitAtNoon(new(12, 0)), splitShift)(Appointment.Initial).IsSuccess);
    }

    [Fact]
    public void Refuses_a_session_outside_the_therapists_working_hours() =>
        Given<Appointment>()
            .When(Book(Command(Local(1, 13, 16, 30))))
            .ThenRejects(DomainErrorCodes.OutsideWorkingHours, "start");

    [Fact]
    public void Refuses_a_therapist_booked_at_an_overlapping_time() =>
        Given<Appointment>()
            .When(Book(Command(), therapistDay: TherapistTaken(Start.AddMinutes(30), Start.AddMinutes(105))))
            .ThenRejects(DomainErrorCodes.DoubleBooking, "therapistId");

    [Fact]
    public void Refuses_a_start_inside_the_previous_sessions_buffer() =>
        Given<Appointment>()
            .When(Book(Command(), therapistDay: TherapistTaken(Start.AddMinutes(-60), Start.AddMinutes(5))))
            .ThenRejects(DomainErrorCodes.DoubleBooking, "therapistId");

    [Fact]
    public void Refuses_a_session_whose_buffer_runs_into_the_next() =>
        Given<Appointment>()
            .When(Book(Command(), therapistDay: TherapistTaken(End + Buffer - TimeSpan.FromMinutes(5), End.AddHours(2))))
            .ThenRejects(DomainErrorCodes.DoubleBooking, "therapistId");

    [Fact]
    public void Books_a_session_whose_buffer_ends_as_the_next_starts() =>
        Given<Appointment>()
            .When(Book(Command(), therapistDay: TherapistTaken(End + Buffer, End.AddHours(2))))
            .Then(
                Booked(),
                new TherapistSlotReserved(TherapistId, Day, AppointmentId, LocationId, Start, End + Buffer),
                new RoomSlotReserved(RoomId, Day, AppointmentId, LocationId, Start, End + Buffer));

    [Fact]
    public void Refuses_a_room_booked_at_an_overlapping_time() =>
        Given<Appointment>()
            .When(Book(Command(), roomDay: Build<RoomDay>(new RoomSlotReserved(RoomId, Day, OtherAppointmentId, LocationId, Start.AddMinutes(-30), Start.AddMinutes(30)))))
            .ThenRejects(DomainErrorCodes.DoubleBooking, "roomId");

    [Theory]
    [InlineData(0)]
    [InlineData(-2_000_000_000)]
    [InlineData(BookAppointmentHandler.MaxDurationMinutes + 1)]
    [InlineData(int.MaxValue)]
    public void Refuses_a_duration_out_of_range(int durationMinutes) =>
        Given<Appointment>()
            .When(Book(Command(durationMinutes: durationMinutes)))
            .ThenRejects(DomainErrorCodes.OutOfRange, "durationMinutes");

    [Fact]
    public void Refuses_a_start_at_the_end_of_time_as_beyond_the_horizon() =>
        Given<Appointment>()
            .When(Book(Command(start: DateTimeOffset.MaxValue.AddMinutes(-30))))
            .ThenRejects(DomainErrorCodes.BeyondHorizon, "start");
}
