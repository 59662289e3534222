using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

public sealed class ReschedulingAppointmentTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Clinic Clinic, HttpClient FrontDesk, Guid AppointmentId)> BookTomorrowAt10Async()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, clinic, api.As(tenant, Roles.FrontDesk), await api.BookAsync(tenant, clinic, api.Tomorrow(10)));
    }

    private static Task<HttpResponseMessage> RescheduleAsync(HttpClient caller, Guid appointmentId, DateTimeOffset start) =>
        caller.PostJsonAsync($"/api/appointments/{appointmentId}/reschedule", new { start });

    [Fact]
    public async Task Rescheduling_moves_the_start_and_asks_for_a_new_confirmation()
    {
        var (tenant, _, frontDesk, id) = await BookTomorrowAt10Async();
        await frontDesk.PostJsonAsync($"/api/appointments/{id}/confirm").ShouldBe(HttpStatusCode.OK);

        await RescheduleAsync(frontDesk, id, api.Tomorrow(14)).ShouldBe(HttpStatusCode.OK);

        var appointment = await api.AppointmentAsync(tenant, id);
        Assert.Equal(api.Tomorrow(14), appointment.GetProperty("start").GetDateTimeOffset());
        // The length is kept: 60 minutes.
        Assert.Equal(api.Tomorrow(15), appointment.GetProperty("end").GetDateTimeOffset());
        // The client confirmed the old time, not this one.
        Assert.False(appointment.GetProperty("confirmed").GetBoolean());
        Assert.Equal("booked", appointment.GetProperty("status").GetString());
    }

    // Moved weeks out the day before, a late cancellation would have cost nothing: inside 24 hours it is cancel and book.
    [Fact]
    public async Task An_appointment_inside_the_late_cancellation_window_is_moved_only_when_the_clinic_asks()
    {
        var (tenant, _, frontDesk, id) = await BookTomorrowAt10Async();
        api.Clock.Set(Bookings.Monday0600.AddHours(5));

        await RescheduleAsync(frontDesk, id, api.Tomorrow(10).AddDays(21)).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "too-late");

        var appointment = await api.AppointmentAsync(tenant, id);
        Assert.Equal(api.Tomorrow(10), appointment.GetProperty("start").GetDateTimeOffset());

        // The clinic's own move (a therapist off sick) costs the client nothing, so it is not held to the window.
        await frontDesk.PostJsonAsync($"/api/appointments/{id}/reschedule", new { start = api.Tomorrow(14), requestedBy = "clinic" }).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(api.Tomorrow(14), (await api.AppointmentAsync(tenant, id)).GetProperty("start").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_old_time_is_released_for_another_booking()
    {
        var (_, clinic, frontDesk, id) = await BookTomorrowAt10Async();

        await RescheduleAsync(frontDesk, id, api.Tomorrow(14)).ShouldBe(HttpStatusCode.OK);

        // Same therapist, same room, the old time: a double booking unless the reservations moved off it.
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_old_time_is_released_when_moving_to_another_day()
    {
        var (_, clinic, frontDesk, id) = await BookTomorrowAt10Async();

        // Another day: only the explicit release frees the old day's streams (on the same day the new reservation overwrites the old).
        await RescheduleAsync(frontDesk, id, api.Tomorrow(10).AddDays(1)).ShouldBe(HttpStatusCode.OK);

        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Created);
        // And the new day is taken.
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10).AddDays(1)))
            .ShouldBeProblem(HttpStatusCode.Conflict, "therapistId", "double-booking");
    }

    [Fact]
    public async Task Moving_onto_another_appointment_of_the_therapist_is_a_double_booking()
    {
        var (tenant, clinic, frontDesk, id) = await BookTomorrowAt10Async();
        // In the other room, so only the therapist clashes.
        await api.BookAsync(tenant, clinic, api.Tomorrow(13), clinic.OtherRoomId);
        var before = await api.CountEventsAsync();

        await RescheduleAsync(frontDesk, id, api.Tomorrow(13, 30)).ShouldBeProblem(HttpStatusCode.Conflict, "therapistId", "double-booking");

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal(api.Tomorrow(10), (await api.AppointmentAsync(tenant, id)).GetProperty("start").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_checked_in_appointment_cannot_be_rescheduled()
    {
        var (tenant, _, frontDesk, id) = await BookTomorrowAt10Async();
        await api.CheckInAsync(tenant, id).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await RescheduleAsync(frontDesk, id, api.Tomorrow(14)).ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Notice_shorter_than_two_hours_is_refused()
    {
        var (_, _, frontDesk, id) = await BookTomorrowAt10Async();
        var before = await api.CountEventsAsync();

        // The clock reads 06:00; 07:30 today is open but only 90 minutes away.
        await RescheduleAsync(frontDesk, id, Bookings.Monday0600.AddMinutes(90))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "start", "notice-too-short");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenants_appointment_is_not_found()
    {
        var (_, _, _, id) = await BookTomorrowAt10Async();
        var before = await api.CountEventsAsync();

        await RescheduleAsync(api.As(Bookings.NewTenant(), Roles.FrontDesk), id, api.Tomorrow(14))
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "appointment-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_therapist_may_not_reschedule()
    {
        var (tenant, clinic, _, id) = await BookTomorrowAt10Async();
        var before = await api.CountEventsAsync();

        await RescheduleAsync(api.As(tenant, Roles.Therapist, clinic.TherapistId), id, api.Tomorrow(14)).ShouldBe(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        var (_, _, frontDesk, id) = await BookTomorrowAt10Async();
        var before = await api.CountEventsAsync();

        await frontDesk.PostRawAsync($"/api/appointments/{id}/reschedule", "{\"start\": ").ShouldBeProblem(HttpStatusCode.BadRequest);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
