using System.Net;
using Practice.Domain;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.Projections.TherapistWorkload;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Views;

public sealed class TherapistWorkloadTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static readonly DateOnly Tuesday = new(2026, 11, 24);
    private static readonly DateOnly Wednesday = new(2026, 11, 25);

    private static string Url(Guid therapistId, string query) => $"/api/therapists/{therapistId}/workload{query}";

    /// <summary>
    /// Tuesday: 10:00 for 60 min, completed after 50 min with pressure-4 work for 120 s and pressure-3 work for 60 s (not high pressure);
    /// 14:00 for 45 min, cancelled by the client a day ahead. Wednesday: 09:00 for 60 min, a no-show.
    /// </summary>
    private async Task<(string Tenant, Clinic Clinic)> ArrangeTwoDaysAsync()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        var frontDesk = api.As(tenant, Roles.FrontDesk);
        var completed = await api.BookAsync(tenant, clinic, api.Tomorrow(10));
        var cancelled = await BookAsync(frontDesk, Bookings.Request(clinic, api.Tomorrow(14), durationMinutes: 45));
        var noShow = await BookAsync(frontDesk, Bookings.Request(clinic, api.Tomorrow(9).AddDays(1)));

        await frontDesk.PostJsonAsync($"/api/appointments/{cancelled}/cancel", new { cancelledBy = "client", reason = "work" }).ShouldBe(HttpStatusCode.OK);

        api.Clock.Set(api.Tomorrow(10));
        await api.CheckInAsync(tenant, completed).ShouldBe(HttpStatusCode.OK);
        var therapist = api.As(tenant, Roles.Therapist, clinic.TherapistId);
        var session = $"/api/sessions/{completed}";
        await therapist.PostJsonAsync($"{session}/start").ShouldBe(HttpStatusCode.OK);
        await therapist.PostJsonAsync($"{session}/techniques", new { modality = "deep-tissue", technique = "stripping", pressure = 4, seconds = 120 }).ShouldBe(HttpStatusCode.OK);
        await therapist.PostJsonAsync($"{session}/techniques", new { modality = "deep-tissue", technique = "effleurage", pressure = 3, seconds = 60 }).ShouldBe(HttpStatusCode.OK);
        api.Clock.Advance(TimeSpan.FromMinutes(50));
        await therapist.PostJsonAsync($"{session}/complete").ShouldBe(HttpStatusCode.OK);

        // A no-show only once the start has passed.
        api.Clock.Set(new DateTimeOffset(2026, 11, 25, 9, 20, 0, TimeSpan.Zero));
        await frontDesk.PostJsonAsync($"/api/appointments/{noShow}/no-show", new { }).ShouldBe(HttpStatusCode.OK);
        await api.WaitForViewsAsync();
        return (tenant, clinic);
    }

    private static async Task<Guid> BookAsync(HttpClient frontDesk, object request) =>
        (await (await frontDesk.PostJsonAsync("/api/appointments", request).ShouldBe(HttpStatusCode.Created)).ReadJsonAsync()).GetProperty("appointmentId").GetGuid();

    [Fact]
    public async Task By_day_counts_booked_delivered_and_high_pressure_minutes_against_working_hours()
    {
        var (tenant, clinic) = await ArrangeTwoDaysAsync();

        var days = await (await api.As(tenant, Roles.Manager).GetAsync(Url(clinic.TherapistId, "?from=2026-11-24&to=2026-11-26&by=day"))
            .ShouldBe(HttpStatusCode.OK)).ReadAsync<List<TherapistWorkloadDay>>();

        // 07:00-21:00 is 840 working minutes; the cancelled 45 minutes are not booked, the no-show's 60 are.
        Assert.Equal(
        [
            new TherapistWorkloadDay(clinic.TherapistId, Tuesday, 60, 50, 2.0m, 1, 1, 0, 840, 0.0714m),
            new TherapistWorkloadDay(clinic.TherapistId, Wednesday, 60, 0, 0m, 0, 0, 1, 840, 0.0714m),
            new TherapistWorkloadDay(clinic.TherapistId, new DateOnly(2026, 11, 26), 0, 0, 0m, 0, 0, 0, 840, 0m),
        ], days);
    }

    [Fact]
    public async Task By_week_sums_the_whole_iso_week()
    {
        var (tenant, clinic) = await ArrangeTwoDaysAsync();

        var weeks = await (await api.As(tenant, Roles.Manager).GetAsync(Url(clinic.TherapistId, "?from=2026-11-24&to=2026-11-25&by=week"))
            .ShouldBe(HttpStatusCode.OK)).ReadAsync<List<TherapistWorkloadWeek>>();

        // Monday 23 November 2026 starts ISO week 48; seven 840-minute days are 5880, and 120 / 5880 is 0.0204.
        var week = Assert.Single(weeks);
        Assert.Equal(new TherapistWorkloadWeek(clinic.TherapistId, 2026, 48, new DateOnly(2026, 11, 23), 120, 50, 2.0m, 1, 1, 1, 5880, 0.0204m), week);
    }

    [Fact]
    public async Task A_therapist_reads_only_their_own_workload()
    {
        var (tenant, clinic) = await ArrangeTwoDaysAsync();
        const string query = "?from=2026-11-24&to=2026-11-25";

        await api.As(tenant, Roles.Therapist, Guid.NewGuid()).GetAsync(Url(clinic.TherapistId, query)).ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.As(tenant, Roles.Therapist).GetAsync(Url(clinic.TherapistId, query)).ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.As(tenant, Roles.FrontDesk, clinic.TherapistId).GetAsync(Url(clinic.TherapistId, query)).ShouldBeProblem(HttpStatusCode.Forbidden);
        var own = await (await api.As(tenant, Roles.Therapist, clinic.TherapistId).GetAsync(Url(clinic.TherapistId, query))
            .ShouldBe(HttpStatusCode.OK)).ReadAsync<List<TherapistWorkloadDay>>();
        Assert.Equal([60, 60], own.Select(d => d.BookedMinutes));
    }

    [Theory]
    [InlineData("?from=2026-11-25&to=2026-11-24", "to")]
    [InlineData("?from=2026-01-01&to=2027-01-07", "to")] // 372 days
    [InlineData("?from=2026-11-24&to=2026-11-25&by=month", "by")]
    [InlineData("?from=9999-12-31&to=9999-12-31&by=week", "to")] // its ISO week ends after the calendar does
    [InlineData("?from=tomorrow&to=2026-11-25", "from")]
    [InlineData("?from=11/24/2026&to=2026-11-25", "from")] // read in US order, it would be another day than most readers mean
    [InlineData("?from=2026-11-24", "to")]
    [InlineData("?from=0001-01-01&to=0001-01-01", "from")] // the first and last days would be sent as -infinity and infinity
    [InlineData("?from=9999-12-31&to=9999-12-31", "to")]
    [InlineData("?from=0001-01-03&to=0001-01-09&by=week", "from")] // its ISO week starts on the calendar's first day
    public async Task Bad_ranges_and_groupings_are_refused_naming_the_parameter(string query, string field)
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);

        await api.As(tenant, Roles.Manager).GetAsync(Url(clinic.TherapistId, query)).ShouldBeProblem(HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("?from=2026-01-07&to=2027-01-12&by=day", 371)] // the most days
    [InlineData("?from=2026-01-05&to=2027-01-10&by=week", 53)] // 371 days, Monday to Sunday: the most whole weeks
    [InlineData("?from=9999-12-20&to=9999-12-26&by=week", 1)] // the calendar's last whole week
    [InlineData("?from=0001-01-02&to=0001-01-02&by=day", 1)]
    [InlineData("?from=9999-12-30&to=9999-12-30&by=day", 1)]
    [InlineData("?from=0001-01-08&to=0001-01-14&by=week", 1)]
    public async Task The_longest_range_allowed_is_answered(string query, int rows)
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);

        var response = await api.As(tenant, Roles.Manager).GetAsync(Url(clinic.TherapistId, query)).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(rows, (await response.ReadJsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Weeks_widening_the_range_past_53_are_refused_not_a_500()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);

        // 371 days from a Wednesday are fine as days, but touch 54 ISO weeks; this used to escape as a 500.
        await api.As(tenant, Roles.Manager).GetAsync(Url(clinic.TherapistId, "?from=2026-01-07&to=2027-01-12&by=week"))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "to");
    }

    [Fact]
    public async Task Another_tenant_does_not_find_the_therapist()
    {
        api.Clock.Set(Bookings.Monday0600);
        var clinic = await api.ArrangeClinicAsync(Bookings.NewTenant());
        var otherTenant = Bookings.NewTenant();
        await api.ArrangeClinicAsync(otherTenant);

        await api.As(otherTenant, Roles.Manager).GetAsync(Url(clinic.TherapistId, "?from=2026-11-24&to=2026-11-25"))
            .ShouldBeProblem(HttpStatusCode.NotFound, code: DomainErrorCodes.TherapistNotFound);
    }
}
