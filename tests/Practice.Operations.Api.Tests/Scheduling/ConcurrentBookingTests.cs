using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

public sealed class ConcurrentBookingTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Twenty_racing_bookings_of_one_slot_give_exactly_one_appointment()
    {
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        var start = api.Tomorrow(10);
        var manager = api.As(tenant, Roles.Manager);
        var clients = new List<Guid> { clinic.ClientId };
        for (var i = 1; i < 20; i++)
        {
            var created = await manager.PostJsonAsync("/api/clients", ClinicArrangement.ClientRequest($"Client {i}")).ShouldBe(HttpStatusCode.Created);
            clients.Add((await created.ReadJsonAsync()).GetProperty("clientId").GetGuid());
        }

        // Separate clients (and connections) so the requests really race; the losers retry, reload, and the domain refuses them.
        var responses = await Task.WhenAll(clients.Select(clientId =>
            api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/appointments", Bookings.Request(clinic with { ClientId = clientId }, start))));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.True(statuses.Count(s => s == HttpStatusCode.Created) == 1, string.Join("\n", statuses.Zip(bodies)));
        Assert.True(statuses.Count(s => s == HttpStatusCode.Conflict) == 19, string.Join("\n", statuses.Zip(bodies)));
        Assert.All(bodies.Where((_, i) => statuses[i] == HttpStatusCode.Conflict), body => Assert.Contains("\"double-booking\"", body, StringComparison.Ordinal));
    }
}
