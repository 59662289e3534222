using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Staff;

public sealed class SettingWorkingHoursTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Manager_sets_working_hours_and_they_read_back_in_order()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);

        await manager.PutJsonAsync($"/api/therapists/{therapistId}/working-hours", new
        {
            hours = new[]
            {
                new { day = DayOfWeek.Tuesday, from = new TimeOnly(13, 0), to = new TimeOnly(17, 0) },
                new { day = DayOfWeek.Tuesday, from = new TimeOnly(8, 0), to = new TimeOnly(12, 0) },
            },
        }).ShouldBe(HttpStatusCode.OK);

        var therapist = await (await manager.GetAsync($"/api/therapists/{therapistId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal(["08:00:00", "13:00:00"], therapist.GetProperty("workingHours").EnumerateArray().Select(h => h.GetProperty("from").GetString()));
    }

    [Fact]
    public async Task Overlapping_intervals_are_a_422_and_append_nothing()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.Manager).PutJsonAsync($"/api/therapists/{therapistId}/working-hours", new
        {
            hours = new[]
            {
                new { day = DayOfWeek.Friday, from = new TimeOnly(8, 0), to = new TimeOnly(12, 0) },
                new { day = DayOfWeek.Friday, from = new TimeOnly(11, 0), to = new TimeOnly(15, 0) },
            },
        }).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "hours", "invalid-hours");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_set_the_hours_and_an_anonymous_caller_is_unauthorised()
    {
        var therapistId = await api.ArrangeTherapistAsync(ClinicArrangement.NewTenant());
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PutJsonAsync($"/api/therapists/{therapistId}/working-hours", new { hours = ClinicArrangement.EveryDay() })
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "therapist-not-found");
        await api.CreateClient().PutJsonAsync($"/api/therapists/{therapistId}/working-hours", new { hours = ClinicArrangement.EveryDay() })
            .ShouldBeProblem(HttpStatusCode.Unauthorized);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
