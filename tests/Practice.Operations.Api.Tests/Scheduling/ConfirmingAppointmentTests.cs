using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

public sealed class ConfirmingAppointmentTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Guid AppointmentId)> BookTomorrowAt10Async()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, await api.BookAsync(tenant, clinic, api.Tomorrow(10)));
    }

    private Task<HttpResponseMessage> ConfirmAsync(string tenant, Guid appointmentId) =>
        api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{appointmentId}/confirm");

    [Fact]
    public async Task Confirming_marks_the_appointment_confirmed()
    {
        var (tenant, id) = await BookTomorrowAt10Async();
        // Booked is not confirmed: otherwise the assertion below proves nothing.
        Assert.False((await api.AppointmentAsync(tenant, id)).GetProperty("confirmed").GetBoolean());

        await ConfirmAsync(tenant, id).ShouldBe(HttpStatusCode.OK);

        Assert.True((await api.AppointmentAsync(tenant, id)).GetProperty("confirmed").GetBoolean());
    }

    [Fact]
    public async Task Confirming_twice_answers_200_and_appends_nothing_the_second_time()
    {
        var (tenant, id) = await BookTomorrowAt10Async();
        var first = await ConfirmAsync(tenant, id).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        // Reminder replies arrive more than once.
        var second = await ConfirmAsync(tenant, id).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(before, await api.CountEventsAsync());
        // The stream is where the first left it, and the answer says so: a client keeping the ETag stays right.
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal((await first.ReadJsonAsync()).GetProperty("version").GetInt64(), (await second.ReadJsonAsync()).GetProperty("version").GetInt64());
        Assert.True((await api.AppointmentAsync(tenant, id)).GetProperty("confirmed").GetBoolean());
    }

    [Fact]
    public async Task A_cancelled_appointment_cannot_be_confirmed()
    {
        var (tenant, id) = await BookTomorrowAt10Async();
        await api.CancelAsync(tenant, id).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await ConfirmAsync(tenant, id).ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenants_appointment_is_not_found()
    {
        var (_, id) = await BookTomorrowAt10Async();
        var before = await api.CountEventsAsync();

        await ConfirmAsync(Bookings.NewTenant(), id).ShouldBeProblem(HttpStatusCode.NotFound, code: "appointment-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
