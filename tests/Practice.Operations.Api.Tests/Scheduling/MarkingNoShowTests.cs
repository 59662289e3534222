using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

public sealed class MarkingNoShowTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static readonly DateTimeOffset Noon = Bookings.Monday0600.AddHours(6);

    private async Task<(string Tenant, Guid AppointmentId)> BookTodayAt12Async()
    {
        // Six hours ahead of the clock: bookable now, and its start is a short clock move away.
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, await api.BookAsync(tenant, clinic, Noon));
    }

    private Task<HttpResponseMessage> MarkNoShowAsync(string tenant, Guid appointmentId, object? body = null) =>
        api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{appointmentId}/no-show", body);

    [Fact]
    public async Task Before_the_start_is_too_early()
    {
        var (tenant, id) = await BookTodayAt12Async();
        // One minute to go: the client may still walk in.
        api.Clock.Set(Noon.AddMinutes(-1));
        var before = await api.CountEventsAsync();

        await MarkNoShowAsync(tenant, id).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "too-early");

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal("booked", (await api.AppointmentAsync(tenant, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task After_the_start_the_no_show_fee_is_charged_and_reads_back()
    {
        var (tenant, id) = await BookTodayAt12Async();
        api.Clock.Set(Noon.AddMinutes(20));

        // Like check-in, a no-show needs no body at all.
        var answer = await (await api.As(tenant, Roles.FrontDesk).PostAsync($"/api/appointments/{id}/no-show", content: null).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();

        Assert.Equal(100, answer.GetProperty("fee").GetProperty("percent").GetInt32());
        var appointment = await api.AppointmentAsync(tenant, id);
        Assert.Equal("noshow", appointment.GetProperty("status").GetString());
        Assert.Equal(100, appointment.GetProperty("fee").GetProperty("percent").GetInt32());
    }

    [Fact]
    public async Task A_waiver_zeroes_the_fee_and_records_why()
    {
        var (tenant, id) = await BookTodayAt12Async();
        api.Clock.Set(Noon.AddMinutes(20));

        var answer = await (await MarkNoShowAsync(tenant, id, new { waiveFeeReason = "illness" }).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();

        Assert.Equal(0, answer.GetProperty("fee").GetProperty("percent").GetInt32());
        Assert.Equal("illness", answer.GetProperty("fee").GetProperty("waiverReason").GetString());
        var fee = (await api.AppointmentAsync(tenant, id)).GetProperty("fee");
        Assert.Equal(0, fee.GetProperty("percent").GetInt32());
        Assert.Equal("illness", fee.GetProperty("waiverReason").GetString());
    }

    [Fact]
    public async Task A_checked_in_client_is_not_a_no_show()
    {
        var (tenant, id) = await BookTodayAt12Async();
        await api.CheckInAsync(tenant, id).ShouldBe(HttpStatusCode.OK);
        // Past the start, so only the status can refuse it.
        api.Clock.Set(Noon.AddMinutes(20));
        var before = await api.CountEventsAsync();

        await MarkNoShowAsync(tenant, id).ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal("arrived", (await api.AppointmentAsync(tenant, id)).GetProperty("status").GetString());
    }
}
