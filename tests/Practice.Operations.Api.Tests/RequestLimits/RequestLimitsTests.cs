using System.Net;
using System.Text;
using System.Text.Json;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.RequestLimits;

public sealed class RequestLimitsTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    // 300,000 characters: past the 256 KiB limit, so the body size decides, not the 200-character name rule.
    private static string OversizedClientJson() =>
        JsonSerializer.Serialize(ClinicArrangement.ClientRequest(name: new string('a', 300_000)), OperationsApi.Json);

    [Fact]
    public async Task A_body_over_256_KiB_is_a_413_and_appends_nothing()
    {
        var tenant = ClinicArrangement.NewTenant();
        var frontDesk = api.As(tenant, Roles.FrontDesk);
        var before = await api.CountEventsAsync();
        using var content = new StringContent(OversizedClientJson(), Encoding.UTF8, "application/json");
        // StringContent declares its length, as a browser or curl would.
        Assert.True(content.Headers.ContentLength > 256 * 1024);

        await frontDesk.PostAsync("/api/clients", content).ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, code: "body-too-large");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_read()
    {
        var tenant = ClinicArrangement.NewTenant();
        var before = await api.CountEventsAsync();
        // Under 256 KiB but a name over 200 characters: the 400 proves the body got past the size check.
        var json = JsonSerializer.Serialize(ClinicArrangement.ClientRequest(name: new string('a', 250_000)), OperationsApi.Json);

        await api.As(tenant, Roles.FrontDesk).PostRawAsync("/api/clients", json).ShouldBeProblem(HttpStatusCode.BadRequest, "name");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
