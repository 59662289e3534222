using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using Practice.EventStore;
using Practice.Projections.DaySchedule;
using static Practice.Projections.Tests.ClinicHistory;

namespace Practice.Projections.Tests;

public sealed class DayScheduleTests(ViewsFixture fixture) : IClassFixture<ViewsFixture>
{
    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly DateOnly Tuesday = new(2026, 11, 24);

    private readonly StreamStore _store = fixture.Store;

    /// <summary>Monday 09:00 to 14:00, one appointment an hour, each left in another state; the 14:00 one moves to Tuesday 09:00.</summary>
    internal static async Task<(Guid ClientId, Guid[] Appointments)> MondayInEveryStateAsync(ClinicHistory clinic)
    {
        await clinic.OpenAsync("Sara Lind", WeekdaysNineToFive, Local(2026, 11, 1, 9));
        var clientId = await clinic.RegisterClientAsync("Tom Hale", Local(2026, 11, 1, 9));
        var bookedAt = Local(2026, 11, 16, 9);
        var appointments = new Guid[6];
        for (var hour = 9; hour <= 14; hour++)
        {
            appointments[hour - 9] = await clinic.BookAsync(clientId, Modality.DeepTissue, Local(2026, 11, 23, hour), 45, bookedAt);
        }
        var (confirmed, arrived, fulfilled, cancelled, noShow, moved) =
            (appointments[0], appointments[1], appointments[2], appointments[3], appointments[4], appointments[5]);

        await clinic.ConfirmAsync(confirmed, clientId, Local(2026, 11, 17, 9));
        await clinic.CheckInAsync(arrived, clientId, Local(2026, 11, 23, 9, 55));
        await clinic.TreatAsync(fulfilled, clientId, Modality.DeepTissue, Local(2026, 11, 23, 11), Local(2026, 11, 23, 11, 45));
        await clinic.CancelAsync(cancelled, clientId, Local(2026, 11, 23, 12), "Moving house", late: false, feePercent: 0, waiver: null, Local(2026, 11, 18, 9));
        await clinic.MarkNoShowAsync(noShow, clientId, Local(2026, 11, 23, 13), Local(2026, 11, 23, 13, 20));
        await clinic.ConfirmAsync(moved, clientId, Local(2026, 11, 17, 9));
        await clinic.RescheduleAsync(moved, clientId, Local(2026, 11, 23, 14), Local(2026, 11, 24, 9), 45, Local(2026, 11, 19, 9));
        return (clientId, appointments);
    }

    [Fact]
    public async Task A_locations_day_lists_its_appointments_by_start_with_their_fhir_status()
    {
        var clinic = new ClinicHistory(_store, "schedule-a");
        var (clientId, appointments) = await MondayInEveryStateAsync(clinic);
        await CatchUpAsync(_store);

        var monday = await DayScheduleQueries.GetDayAsync(_store.DataSource, _store.Schema, clinic.TenantId, clinic.LocationId, Monday);

        Assert.Equal(appointments[..5], monday.Select(a => a.AppointmentId));
        Assert.Equal(
            [AppointmentStatus.Booked, AppointmentStatus.Arrived, AppointmentStatus.Fulfilled, AppointmentStatus.Cancelled, AppointmentStatus.Noshow],
            monday.Select(a => a.Status));
        Assert.Equal(
            new ScheduledAppointment(appointments[0], clinic.LocationId, Monday, Local(2026, 11, 23, 9), Local(2026, 11, 23, 9, 45),
                clinic.TherapistId, clinic.RoomId, clientId, Modality.DeepTissue, AppointmentStatus.Booked, Confirmed: true),
            monday[0]);
    }

    [Fact]
    public async Task A_rescheduled_appointment_moves_to_its_new_day_and_needs_confirming_again()
    {
        var clinic = new ClinicHistory(_store, "schedule-b");
        var (_, appointments) = await MondayInEveryStateAsync(clinic);
        await CatchUpAsync(_store);

        var tuesday = await DayScheduleQueries.GetDayAsync(_store.DataSource, _store.Schema, clinic.TenantId, clinic.LocationId, Tuesday);

        var moved = Assert.Single(tuesday);
        Assert.Equal(appointments[5], moved.AppointmentId);
        Assert.Equal((Local(2026, 11, 24, 9), Local(2026, 11, 24, 9, 45)), (moved.Start, moved.End));
        Assert.Equal(AppointmentStatus.Booked, moved.Status);
        Assert.False(moved.Confirmed);
    }

    [Fact]
    public async Task Another_location_and_another_tenant_see_none_of_the_day()
    {
        var clinic = new ClinicHistory(_store, "schedule-c");
        await MondayInEveryStateAsync(clinic);
        var neighbour = new ClinicHistory(_store, clinic.TenantId);
        await neighbour.OpenAsync("Ida Moss", WeekdaysNineToFive, Local(2026, 11, 1, 9));
        var neighbourClient = await neighbour.RegisterClientAsync("Eli Park", Local(2026, 11, 1, 9));
        await neighbour.BookAsync(neighbourClient, Modality.Swedish, Local(2026, 11, 23, 16), 60, Local(2026, 11, 16, 9));
        await CatchUpAsync(_store);

        var otherTenant = await DayScheduleQueries.GetDayAsync(_store.DataSource, _store.Schema, "schedule-other", clinic.LocationId, Monday);
        var neighbourDay = await DayScheduleQueries.GetDayAsync(_store.DataSource, _store.Schema, clinic.TenantId, neighbour.LocationId, Monday);
        var ownDay = await DayScheduleQueries.GetDayAsync(_store.DataSource, _store.Schema, clinic.TenantId, clinic.LocationId, Monday);

        Assert.Empty(otherTenant);
        Assert.Equal(neighbourClient, Assert.Single(neighbourDay).ClientId);
        Assert.Equal(5, ownDay.Count);
    }
}
