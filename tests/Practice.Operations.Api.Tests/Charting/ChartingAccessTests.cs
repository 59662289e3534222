using System.Net;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Charting;

public sealed class ChartingAccessTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Another_therapist_may_not_chart_the_session()
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await api.As(session.Tenant, Roles.Therapist, Guid.NewGuid()).PostJsonAsync(session.Url("/pain"), new { phase = "before", score = 4 })
            .ShouldBeProblem(HttpStatusCode.Forbidden, code: "not-session-therapist");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_therapist_token_without_a_therapist_id_may_not_chart()
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await api.As(session.Tenant, Roles.Therapist).PostJsonAsync(session.Url("/pain"), new { phase = "before", score = 4 })
            .ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData(Roles.FrontDesk)]
    [InlineData(Roles.Manager)]
    public async Task Only_therapists_chart(string role)
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await api.As(session.Tenant, role, session.Clinic.TherapistId).PostJsonAsync(session.Url("/pain"), new { phase = "before", score = 4 })
            .ShouldBe(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Front_desk_does_not_read_clinical_notes_but_therapist_and_manager_do()
    {
        var session = await api.StartSessionAsync();

        await api.As(session.Tenant, Roles.FrontDesk).GetAsync(session.Url()).ShouldBe(HttpStatusCode.Forbidden);
        Assert.Equal("in-progress", (await api.GetSessionAsync(session, Roles.Manager)).GetProperty("status").GetString());
        await session.Therapist.GetAsync(session.Url()).ShouldBe(HttpStatusCode.OK);
        // The clinic's therapists are one care team: the next one to treat the client reads what was found.
        await api.As(session.Tenant, Roles.Therapist, Guid.NewGuid()).GetAsync(session.Url()).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_tenant_does_not_see_the_session()
    {
        var session = await api.StartSessionAsync();

        await api.As(Scheduling.Bookings.NewTenant(), Roles.Manager).GetAsync(session.Url()).ShouldBeProblem(HttpStatusCode.NotFound, code: "session-not-found");
    }
}
