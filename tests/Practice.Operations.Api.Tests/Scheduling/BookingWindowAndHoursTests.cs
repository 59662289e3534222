using System.Net;
using System.Net.Http.Json;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

public sealed class BookingWindowAndHoursTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Clinic Clinic, HttpClient FrontDesk)> ArrangeAsync()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, clinic, api.As(tenant, Roles.FrontDesk));
    }

    private async Task RefusedAsync(HttpClient frontDesk, object request, HttpStatusCode status, string? field, string code)
    {
        var before = await api.CountEventsAsync();
        await frontDesk.PostJsonAsync("/api/appointments", request).ShouldBeProblem(status, field, code);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Beyond_90_days_is_refused()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();

        // 91 days and four hours ahead, inside every working hour.
        await RefusedAsync(frontDesk, Bookings.Request(clinic, api.Tomorrow(10).AddDays(90)), HttpStatusCode.UnprocessableEntity, "start", "beyond-horizon");
    }

    [Fact]
    public async Task Exactly_90_days_ahead_is_accepted()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();
        // At 09:00 the same time 90 days on is inside opening hours; 06:00 would not be.
        api.Clock.Set(Bookings.Monday0600.AddHours(3));

        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Clock.GetUtcNow().AddDays(90))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Outside_the_therapists_hours_but_inside_opening_hours_is_refused()
    {
        var (tenant, clinic, frontDesk) = await ArrangeAsync();
        await api.As(tenant, Roles.Manager).PutAsJsonAsync($"/api/therapists/{clinic.TherapistId}/working-hours",
            new { hours = ClinicArrangement.EveryDay(9, 17) }, OperationsApi.Json).ShouldBe(HttpStatusCode.OK);

        // 17:00-18:00: the location is open until 21:00, the therapist leaves at 17:00.
        await RefusedAsync(frontDesk, Bookings.Request(clinic, api.Tomorrow(17)), HttpStatusCode.UnprocessableEntity, "start", "outside-working-hours");
        // Inside the narrower hours it books: the refusal above was about the hours alone.
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(16))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_modality_the_therapist_does_not_practise_is_refused()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();

        await RefusedAsync(frontDesk, Bookings.Request(clinic, api.Tomorrow(10), modality: "swedish"),
            HttpStatusCode.UnprocessableEntity, "modality", "modality-not-practised");
    }

    [Fact]
    public async Task A_room_of_another_location_is_refused()
    {
        var (tenant, clinic, frontDesk) = await ArrangeAsync();
        var manager = api.As(tenant, Roles.Manager);
        var elsewhere = (await (await manager.PostJsonAsync("/api/locations", ClinicArrangement.LocationRequest("Uptown"))
            .ShouldBe(HttpStatusCode.Created)).ReadJsonAsync()).GetProperty("locationId").GetGuid();
        var foreignRoom = (await (await manager.PostJsonAsync($"/api/locations/{elsewhere}/rooms", new { name = "Uptown 1" })
            .ShouldBe(HttpStatusCode.Created)).ReadJsonAsync()).GetProperty("roomId").GetGuid();

        await RefusedAsync(frontDesk, Bookings.Request(clinic, api.Tomorrow(10), foreignRoom), HttpStatusCode.UnprocessableEntity, "roomId", "not-at-location");
    }

    [Fact]
    public async Task A_client_that_does_not_exist_is_not_found()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();

        await RefusedAsync(frontDesk, Bookings.Request(clinic with { ClientId = Guid.NewGuid() }, api.Tomorrow(10)),
            HttpStatusCode.NotFound, "clientId", "client-not-found");
    }
}
