using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clients;

public sealed class UnreadableHistoryTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task A_stored_event_that_no_longer_reads_is_a_server_error_not_the_callers_malformed_json()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = Guid.NewGuid();
        await api.StoreMisshapenRegistrationAsync(tenant, clientId);

        var problem = await api.As(tenant, Roles.Manager).GetAsync($"/api/clients/{clientId}").ShouldBeProblem(HttpStatusCode.InternalServerError);

        Assert.DoesNotContain("not-a-guid", problem.ToString(), StringComparison.Ordinal);
    }
}
