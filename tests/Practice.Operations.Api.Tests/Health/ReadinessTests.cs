using System.Net;
using Microsoft.AspNetCore.Hosting;
using Practice.Projections;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;
using Practice.Testing;

namespace Practice.Operations.Api.Tests.Health;

public sealed class ReadinessTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task A_caught_up_api_is_live_and_ready_to_anyone_and_lists_every_projection_to_a_manager_without_positions()
    {
        var tenant = ClinicArrangement.NewTenant();
        await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/clients", ClinicArrangement.ClientRequest()).ShouldBe(HttpStatusCode.Created);
        await api.WaitForViewsAsync();
        var anonymous = api.CreateClient();

        await anonymous.GetAsync("/health/live").ShouldBe(HttpStatusCode.OK);
        var ready = await (await api.As(tenant, Roles.Manager).GetAsync("/health/ready").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();

        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var projections = ready.GetProperty("projections").EnumerateArray().ToList();
        Assert.Equal(PracticeProjections.All.Select(p => p.Name).Order(), projections.Select(p => p.GetProperty("name").GetString()!).Order());
        Assert.All(projections, p => Assert.Equal(["deadLetters", "lagSeconds", "name", "rebuilding"], p.EnumerateObject().Select(f => f.Name).Order()));
    }

    [Fact]
    public async Task A_manager_counts_only_the_dead_letters_of_their_own_clinic()
    {
        var (broken, other) = (ClinicArrangement.NewTenant(), ClinicArrangement.NewTenant());
        await api.StoreMisshapenRegistrationAsync(broken, Guid.NewGuid());
        await api.WaitForViewsAsync();

        async Task<long> DeadLettersSeenBy(string tenant) =>
            (await (await api.As(tenant, Roles.Manager).GetAsync("/health/ready").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync())
                .GetProperty("projections").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "client_timeline")
                .GetProperty("deadLetters").GetInt64();

        Assert.Equal(1L, await DeadLettersSeenBy(broken));
        Assert.Equal(0L, await DeadLettersSeenBy(other));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Roles.FrontDesk)]
    [InlineData(Roles.Therapist)]
    [InlineData(Roles.Analyst)]
    [InlineData(Roles.Integration)]
    public async Task Readiness_names_no_projection_to_anyone_but_a_manager(string? role)
    {
        var client = role is null ? api.CreateClient() : api.As(ClinicArrangement.NewTenant(), role);

        var ready = await (await client.GetAsync("/health/ready").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();

        Assert.Equal(["database", "status"], ready.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("ready", ready.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Projections_further_behind_than_allowed_make_the_api_not_ready()
    {
        var schema = TestDatabase.NewSchemaName("ops");
        await using var stalled = api.WithWebHostBuilder(builder => builder
            .UseSetting("Practice:Schema", schema)
            .UseSetting("Practice:RunDaemon", "false")
            .UseSetting("Practice:MaxProjectionLagSeconds", "0"));
        try
        {
            var tenant = ClinicArrangement.NewTenant();
            var client = stalled.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", TokenIssuer.Issue(OperationsApi.Jwt, tenant, Roles.Manager, "manager@clinic", TimeSpan.FromHours(1)));
            await client.GetAsync("/health/ready").ShouldBe(HttpStatusCode.OK);
            var frontDesk = stalled.CreateClient();
            frontDesk.DefaultRequestHeaders.Authorization = new("Bearer", TokenIssuer.Issue(OperationsApi.Jwt, tenant, Roles.FrontDesk, "desk@clinic", TimeSpan.FromHours(1)));
            await frontDesk.PostJsonAsync("/api/clients", ClinicArrangement.ClientRequest()).ShouldBe(HttpStatusCode.Created);
            await Task.Delay(TimeSpan.FromMilliseconds(50));

            var lagging = await (await client.GetAsync("/health/ready").ShouldBe(HttpStatusCode.ServiceUnavailable)).ReadJsonAsync();

            Assert.Equal("lagging", lagging.GetProperty("status").GetString());
            Assert.Contains(lagging.GetProperty("projections").EnumerateArray(), p => p.GetProperty("lagSeconds").GetDouble() > 0);
            var anonymous = await (await stalled.CreateClient().GetAsync("/health/ready").ShouldBe(HttpStatusCode.ServiceUnavailable)).ReadJsonAsync();
            Assert.Equal("lagging", anonymous.GetProperty("status").GetString());
        }
        finally
        {
            await TestDatabase.DropSchemaAsync(schema);
        }
    }
}
