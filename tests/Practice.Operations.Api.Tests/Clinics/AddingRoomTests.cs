using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Clinics;

public sealed class AddingRoomTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Manager_adds_a_room_and_the_location_lists_it()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);

        var response = await manager.PostJsonAsync($"/api/locations/{locationId}/rooms", new { name = "Room 1" }).ShouldBe(HttpStatusCode.Created);

        var roomId = (await response.ReadJsonAsync()).GetProperty("roomId").GetGuid();
        var location = await (await manager.GetAsync($"/api/locations/{locationId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Contains(roomId, location.GetProperty("roomIds").EnumerateArray().Select(r => r.GetGuid()));
    }

    [Fact]
    public async Task Another_tenant_cannot_add_a_room_to_the_location()
    {
        var locationId = await api.ArrangeLocationAsync(ClinicArrangement.NewTenant());
        var before = await api.CountEventsAsync();

        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).PostJsonAsync($"/api/locations/{locationId}/rooms", new { name = "Sneaky" })
            .ShouldBeProblem(HttpStatusCode.NotFound, "locationId", "location-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Therapist_cannot_add_a_room()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.Therapist).PostJsonAsync($"/api/locations/{locationId}/rooms", new { name = "Room" }).ShouldBeProblem(HttpStatusCode.Forbidden);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Missing_or_mistyped_name_is_a_400()
    {
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        var before = await api.CountEventsAsync();

        await manager.PostRawAsync($"/api/locations/{locationId}/rooms", "{}").ShouldBeProblem(HttpStatusCode.BadRequest);
        await manager.PostRawAsync($"/api/locations/{locationId}/rooms", """{"name": ["Room"]}""").ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        await manager.PostJsonAsync($"/api/locations/{locationId}/rooms", new { name = new string('x', 201) }).ShouldBeProblem(HttpStatusCode.BadRequest, "name");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
