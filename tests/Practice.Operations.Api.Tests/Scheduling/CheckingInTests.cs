using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

public sealed class CheckingInTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Guid TherapistId, Guid AppointmentId)> BookTomorrowAt10Async()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, clinic.TherapistId, await api.BookAsync(tenant, clinic, api.Tomorrow(10)));
    }

    [Fact]
    public async Task Checking_in_marks_the_client_arrived()
    {
        var (tenant, _, id) = await BookTomorrowAt10Async();

        await api.CheckInAsync(tenant, id).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("arrived", (await api.AppointmentAsync(tenant, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Checking_in_twice_is_a_conflict()
    {
        var (tenant, _, id) = await BookTomorrowAt10Async();
        await api.CheckInAsync(tenant, id).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await api.CheckInAsync(tenant, id).ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_cancelled_appointment_cannot_be_checked_in()
    {
        var (tenant, _, id) = await BookTomorrowAt10Async();
        await api.CancelAsync(tenant, id).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await api.CheckInAsync(tenant, id).ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal("cancelled", (await api.AppointmentAsync(tenant, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_tenants_appointment_is_not_found()
    {
        var (_, _, id) = await BookTomorrowAt10Async();
        var before = await api.CountEventsAsync();

        await api.CheckInAsync(Bookings.NewTenant(), id).ShouldBeProblem(HttpStatusCode.NotFound, code: "appointment-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task The_appointments_therapist_may_not_check_in()
    {
        var (tenant, therapistId, id) = await BookTomorrowAt10Async();
        var before = await api.CountEventsAsync();

        // Even the therapist of this very appointment: arrival is front-desk work.
        await api.As(tenant, Roles.Therapist, therapistId).PostJsonAsync($"/api/appointments/{id}/check-in").ShouldBe(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal("booked", (await api.AppointmentAsync(tenant, id)).GetProperty("status").GetString());
    }
}
