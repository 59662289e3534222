using System.Net;
using Practice.Domain.Scheduling;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

public sealed class CancellingAppointmentTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Guid AppointmentId)> BookTodayAt12Async()
    {
        // Six hours ahead of the clock: enough notice to book, inside the 24-hour late window.
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, await api.BookAsync(tenant, clinic, Bookings.Monday0600.AddHours(6)));
    }

    // The fee is recorded on the event; the appointment state and the command answer do not carry it.
    private async Task<T> SingleEventAsync<T>(string tenant, Guid appointmentId)
    {
        await using var session = api.Store.OpenSession(tenant);
        var events = await session.FetchStreamAsync(Appointment.StreamId(appointmentId));
        return events.Select(e => e.Data).OfType<T>().Single();
    }

    private async Task<string?> StatusAsync(string tenant, Guid appointmentId)
    {
        var response = await api.As(tenant, Roles.FrontDesk).GetAsync($"/api/appointments/{appointmentId}").ShouldBe(HttpStatusCode.OK);
        return (await response.ReadJsonAsync()).GetProperty("status").GetString();
    }

    [Fact]
    public async Task A_client_cancelling_inside_24_hours_owes_half()
    {
        var (tenant, id) = await BookTodayAt12Async();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{id}/cancel", new { cancelledBy = "client", reason = "work" }).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("cancelled", await StatusAsync(tenant, id));
        var cancelled = await SingleEventAsync<AppointmentCancelled>(tenant, id);
        Assert.True(cancelled.Late);
        Assert.Equal(50, cancelled.FeePercent);
    }

    [Fact]
    public async Task A_client_who_has_not_come_by_the_start_is_a_no_show_not_a_cancellation()
    {
        var (tenant, id) = await BookTodayAt12Async();
        api.Clock.Set(Bookings.Monday0600.AddHours(6).AddMinutes(5));
        var frontDesk = api.As(tenant, Roles.FrontDesk);

        await frontDesk.PostJsonAsync($"/api/appointments/{id}/cancel", new { cancelledBy = "client", reason = "overslept" })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "too-late");
        Assert.Equal("booked", await StatusAsync(tenant, id));

        api.Clock.Set(Bookings.Monday0600.AddHours(6).AddMinutes(20));
        await frontDesk.PostJsonAsync($"/api/appointments/{id}/no-show", new { }).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("noshow", await StatusAsync(tenant, id));
    }

    [Fact]
    public async Task Illness_waives_the_late_fee()
    {
        var (tenant, id) = await BookTodayAt12Async();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{id}/cancel", new { cancelledBy = "client", reason = "flu", waiveFeeReason = "illness" })
            .ShouldBe(HttpStatusCode.OK);

        var cancelled = await SingleEventAsync<AppointmentCancelled>(tenant, id);
        Assert.Equal(0, cancelled.FeePercent);
        Assert.Equal("illness", cancelled.FeeWaiverReason);
    }

    [Fact]
    public async Task A_no_show_owes_the_no_show_fee()
    {
        var (tenant, id) = await BookTodayAt12Async();
        api.Clock.Set(Bookings.Monday0600.AddHours(6).AddMinutes(20));

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{id}/no-show", new { }).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("noshow", await StatusAsync(tenant, id));
        Assert.Equal(100, (await SingleEventAsync<AppointmentMarkedNoShow>(tenant, id)).FeePercent);
    }

    [Fact]
    public async Task A_checked_in_appointment_cannot_be_cancelled()
    {
        var (tenant, id) = await BookTodayAt12Async();
        await api.CheckInAsync(tenant, id).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{id}/cancel", new { cancelledBy = "client", reason = "changed mind" })
            .ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal("arrived", await StatusAsync(tenant, id));
    }
}
