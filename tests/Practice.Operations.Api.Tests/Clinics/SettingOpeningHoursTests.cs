using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clinics;

public sealed class SettingOpeningHoursTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Manager_sets_opening_hours_and_they_read_back()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);

        await manager.PutJsonAsync($"/api/locations/{locationId}/opening-hours", new { hours = ClinicArrangement.EveryDay(8, 20) }).ShouldBe(HttpStatusCode.OK);

        var location = await (await manager.GetAsync($"/api/locations/{locationId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var hours = location.GetProperty("openingHours").EnumerateArray().ToList();
        Assert.Equal(7, hours.Count);
        Assert.All(hours, h => Assert.Equal("08:00:00", h.GetProperty("from").GetString()));
    }

    [Fact]
    public async Task Interval_ending_before_it_starts_is_a_422_and_appends_nothing()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.Manager).PutJsonAsync($"/api/locations/{locationId}/opening-hours",
                new { hours = new[] { new { day = DayOfWeek.Monday, from = new TimeOnly(18, 0), to = new TimeOnly(9, 0) } } })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "hours", "invalid-hours");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Unknown_day_or_a_bad_time_is_a_400_naming_the_field()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        var before = await api.CountEventsAsync();

        await manager.PutRawAsync($"/api/locations/{locationId}/opening-hours", """{"hours": [{"day": "funday", "from": "09:00:00", "to": "17:00:00"}]}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest, "hours[0].day");
        await manager.PutRawAsync($"/api/locations/{locationId}/opening-hours", """{"hours": [{"day": "monday", "from": "25:00:00", "to": "17:00:00"}]}""")
            .ShouldBeProblem(HttpStatusCode.BadRequest, "hours[0].from");
        await manager.PutRawAsync($"/api/locations/{locationId}/opening-hours", """{"hours": [null]}""").ShouldBeProblem(HttpStatusCode.BadRequest, "hours");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_change_the_hours_and_front_desk_is_forbidden()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PutJsonAsync($"/api/locations/{locationId}/opening-hours", new { hours = ClinicArrangement.EveryDay() })
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "location-not-found");
        await api.As(tenant, Roles.FrontDesk).PutJsonAsync($"/api/locations/{locationId}/opening-hours", new { hours = ClinicArrangement.EveryDay() })
            .ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
