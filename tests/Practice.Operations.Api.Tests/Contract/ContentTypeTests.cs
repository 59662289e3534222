using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Contract;

public sealed class ContentTypeTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    // curl -d sends application/x-www-form-urlencoded unless told otherwise: the answer says what to send instead.
    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem_and_changes_nothing()
    {
        var tenant = ClinicArrangement.NewTenant();
        await api.ArrangeLocationAsync(tenant);
        var before = await api.CountEventsAsync();
        using var form = new StringContent("""{"name":"Jo Park","dateOfBirth":"1988-02-14","contact":{}}""", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        var problem = await api.As(tenant, Roles.FrontDesk).PostAsync("/api/clients", form).ShouldBeProblem(HttpStatusCode.UnsupportedMediaType, code: "unsupported-media-type");

        Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var untyped = new ByteArrayContent("""{"name":"Jo Park","dateOfBirth":"1988-02-14","contact":{}}"""u8.ToArray());
        var missing = await api.As(tenant, Roles.FrontDesk).PostAsync("/api/clients", untyped).ShouldBeProblem(HttpStatusCode.UnsupportedMediaType, code: "unsupported-media-type");
        Assert.Equal(problem.GetProperty("detail").GetString(), missing.GetProperty("detail").GetString());
        Assert.Equal(before, await api.CountEventsAsync());
    }
}
