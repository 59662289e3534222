using System.Net;
using Practice.Domain.Clients;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;
using Practice.Testing;

namespace Practice.Operations.Api.Tests.Clients;

public sealed class UnreadableHistoryTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    /// <summary>What a faulty writer stored under the real event's name: an id that is not one.</summary>
    private sealed record MisshapenRegistration(string ClientId);

    [Fact]
    public async Task A_stored_event_that_no_longer_reads_is_a_server_error_not_the_callers_malformed_json()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clientId = Guid.NewGuid();
        await using (var faulty = await TestDatabase.CreateStoreAsync(api.Schema, options => options.Events.Register<MisshapenRegistration>("client-registered")))
        await using (var session = faulty.OpenSession(tenant))
        {
            session.StartStream(Client.StreamId(clientId), Client.StreamType, new MisshapenRegistration("not-a-guid"));
            await session.SaveChangesAsync();
        }

        var problem = await api.As(tenant, Roles.Manager).GetAsync($"/api/clients/{clientId}").ShouldBeProblem(HttpStatusCode.InternalServerError);

        Assert.DoesNotContain("not-a-guid", problem.ToString(), StringComparison.Ordinal);
    }
}
