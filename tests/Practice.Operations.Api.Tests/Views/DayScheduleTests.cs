using System.Net;
using Practice.Domain;
using Practice.Domain.Scheduling;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.Projections.DaySchedule;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Views;

public sealed class DayScheduleTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static string Url(Guid locationId, string query) => $"/api/locations/{locationId}/schedule{query}";

    private async Task<(string Tenant, Clinic Clinic)> ArrangeClinicAsync()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        return (tenant, await api.ArrangeClinicAsync(tenant));
    }

    [Fact]
    public async Task A_day_lists_its_appointments_in_start_order_with_their_status()
    {
        var (tenant, clinic) = await ArrangeClinicAsync();
        // Booked out of order, so start order is the view's doing, not the order of booking.
        var cancelled = await api.BookAsync(tenant, clinic, api.Tomorrow(13));
        var fulfilled = await api.BookAsync(tenant, clinic, api.Tomorrow(9));
        var booked = await api.BookAsync(tenant, clinic, api.Tomorrow(15), clinic.OtherRoomId);
        var arrived = await api.BookAsync(tenant, clinic, api.Tomorrow(11));
        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{cancelled}/cancel", new { cancelledBy = "clinic", reason = "room repair" }).ShouldBe(HttpStatusCode.OK);
        await api.CheckInAsync(tenant, arrived).ShouldBe(HttpStatusCode.OK);
        await api.CheckInAsync(tenant, fulfilled).ShouldBe(HttpStatusCode.OK);
        var therapist = api.As(tenant, Roles.Therapist, clinic.TherapistId);
        await therapist.PostJsonAsync($"/api/sessions/{fulfilled}/start").ShouldBe(HttpStatusCode.OK);
        await therapist.PostJsonAsync($"/api/sessions/{fulfilled}/complete").ShouldBe(HttpStatusCode.OK);
        await api.WaitForViewsAsync();

        var day = await (await api.As(tenant, Roles.FrontDesk).GetAsync(Url(clinic.LocationId, "?date=2026-11-24"))
            .ShouldBe(HttpStatusCode.OK)).ReadAsync<List<ScheduledAppointment>>();

        Assert.Equal(
        [
            (fulfilled, AppointmentStatus.Fulfilled, api.Tomorrow(9)),
            (arrived, AppointmentStatus.Arrived, api.Tomorrow(11)),
            (cancelled, AppointmentStatus.Cancelled, api.Tomorrow(13)),
            (booked, AppointmentStatus.Booked, api.Tomorrow(15)),
        ], day.Select(a => (a.AppointmentId, a.Status, a.Start)));
        Assert.All(day, a => Assert.Equal((clinic.LocationId, new DateOnly(2026, 11, 24), clinic.TherapistId, clinic.ClientId), (a.LocationId, a.Day, a.TherapistId, a.ClientId)));
        Assert.Equal(clinic.OtherRoomId, day[^1].RoomId);
        Assert.Equal(api.Tomorrow(16), day[^1].End);
    }

    [Fact]
    public async Task A_day_with_nothing_booked_is_an_empty_list()
    {
        var (tenant, clinic) = await ArrangeClinicAsync();
        await api.BookAsync(tenant, clinic, api.Tomorrow(10));
        await api.WaitForViewsAsync();

        var day = await (await api.As(tenant, Roles.Manager).GetAsync(Url(clinic.LocationId, "?date=2026-11-25"))
            .ShouldBe(HttpStatusCode.OK)).ReadAsync<List<ScheduledAppointment>>();

        Assert.Empty(day);
    }

    [Fact]
    public async Task Another_tenant_does_not_find_the_location()
    {
        var (tenant, clinic) = await ArrangeClinicAsync();
        await api.BookAsync(tenant, clinic, api.Tomorrow(10));
        var otherTenant = Bookings.NewTenant();
        await api.ArrangeClinicAsync(otherTenant);
        await api.WaitForViewsAsync();

        await api.As(otherTenant, Roles.FrontDesk).GetAsync(Url(clinic.LocationId, "?date=2026-11-24"))
            .ShouldBeProblem(HttpStatusCode.NotFound, code: DomainErrorCodes.LocationNotFound);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?date=")]
    [InlineData("?date=24-11-2026x")]
    [InlineData("?date=11/24/2026")]
    public async Task A_missing_or_unreadable_date_is_a_problem_400_naming_it(string query)
    {
        var (tenant, clinic) = await ArrangeClinicAsync();

        var problem = await api.As(tenant, Roles.FrontDesk).GetAsync(Url(clinic.LocationId, query)).ShouldBeProblem(HttpStatusCode.BadRequest, "date");

        // Said in the API's own words, not in the CLR's.
        Assert.DoesNotContain("DateOnly", problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("IsoDate", problem.GetRawText(), StringComparison.Ordinal);
    }
}
