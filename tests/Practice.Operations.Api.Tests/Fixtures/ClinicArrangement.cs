using System.Net;
using System.Net.Http.Json;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Fixtures;

/// <summary>The ids of a clinic arranged through the API, ready for booking and charting.</summary>
public sealed record Clinic(Guid LocationId, Guid RoomId, Guid OtherRoomId, Guid TherapistId, Guid ClientId);

public static class ClinicArrangement
{
    /// <summary>A fresh tenant per test keeps tests in one class independent.</summary>
    public static string NewTenant() => $"t-{Guid.NewGuid():N}";

    /// <summary>Registers the tenant's organisation and one UTC location; enough for staff and rooms.</summary>
    public static async Task<Guid> ArrangeLocationAsync(this OperationsApi api, string tenant)
    {
        ArgumentNullException.ThrowIfNull(api);
        var manager = api.As(tenant, Roles.Manager);
        await manager.PostJsonAsync("/api/organisation", new { name = $"Clinic {tenant}" }).ShouldBe(HttpStatusCode.Created);
        return await IdAsync(manager.PostJsonAsync("/api/locations", LocationRequest()), "locationId");
    }

    public static async Task<Guid> ArrangeTherapistAsync(this OperationsApi api, string tenant)
    {
        var locationId = await api.ArrangeLocationAsync(tenant);
        return await IdAsync(api.As(tenant, Roles.Manager).PostJsonAsync("/api/therapists", new { name = "Terry Therapist", locationIds = new[] { locationId } }), "therapistId");
    }

    public static Task<Guid> ArrangeClientAsync(this OperationsApi api, string tenant, DateOnly? dateOfBirth = null) =>
        IdAsync(api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/clients", ClientRequest(dateOfBirth: dateOfBirth)), "clientId");

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, OperationsApi.Json);

    public static async Task<HttpResponseMessage> PutRawAsync(this HttpClient client, string url, string rawJson)
    {
        using var content = new StringContent(rawJson, System.Text.Encoding.UTF8, "application/json");
        return await client.PutAsync(url, content);
    }

    /// <summary>Every day 07:00-21:00: wide enough that the time of a test's booking is its own choice.</summary>
    public static object[] EveryDay(int fromHour = 7, int toHour = 21) =>
        [.. Enum.GetValues<DayOfWeek>().Select(day => new { day, from = new TimeOnly(fromHour, 0), to = new TimeOnly(toHour, 0) })];

    public static object LocationRequest(string name = "Downtown") => new
    {
        name,
        timeZoneId = "UTC",
        jurisdiction = "CA-ON",
        address = new { street = "1 King St W", city = "Toronto", region = "ON", postalCode = "M5H 1A1", country = "CA" },
    };

    public static object ClientRequest(string name = "Alex Client", DateOnly? dateOfBirth = null) => new
    {
        name,
        dateOfBirth = dateOfBirth ?? new DateOnly(1985, 4, 12),
        contact = new { email = "alex@example.com", phone = "+1 416 555 0100" },
    };

    /// <summary>
    /// Through the API as a manager: organisation, a UTC location open 07:00-21:00 with two rooms, a therapist practising
    /// deep tissue, trigger point therapy and dry needling (credentialled there) on the same hours, and a client consenting to treatment
    /// whose intake flags nothing.
    /// </summary>
    public static async Task<Clinic> ArrangeClinicAsync(this OperationsApi api, string tenant)
    {
        ArgumentNullException.ThrowIfNull(api);
        var manager = api.As(tenant, Roles.Manager);

        await manager.PostJsonAsync("/api/organisation", new { name = $"Clinic {tenant}" }).ShouldBe(HttpStatusCode.Created);

        var locationId = await IdAsync(manager.PostJsonAsync("/api/locations", LocationRequest()), "locationId");
        await manager.PutAsJsonAsync($"/api/locations/{locationId}/opening-hours", new { hours = EveryDay() }, OperationsApi.Json).ShouldBe(HttpStatusCode.OK);
        var roomId = await IdAsync(manager.PostJsonAsync($"/api/locations/{locationId}/rooms", new { name = "Room 1" }), "roomId");
        var otherRoomId = await IdAsync(manager.PostJsonAsync($"/api/locations/{locationId}/rooms", new { name = "Room 2" }), "roomId");

        var therapistId = await IdAsync(manager.PostJsonAsync("/api/therapists", new { name = "Terry Therapist", locationIds = new[] { locationId } }), "therapistId");
        await manager.PutAsJsonAsync($"/api/therapists/{therapistId}/modalities",
            new { modalities = new[] { "deep-tissue", "trigger-point-therapy", "dry-needling" } }, OperationsApi.Json).ShouldBe(HttpStatusCode.OK);
        await manager.PutAsJsonAsync($"/api/therapists/{therapistId}/working-hours", new { hours = EveryDay() }, OperationsApi.Json).ShouldBe(HttpStatusCode.OK);
        // Valid for years past the test clock, in the location's jurisdiction.
        await manager.PostJsonAsync($"/api/therapists/{therapistId}/credentials",
            new { kind = "dry-needling", jurisdiction = "CA-ON", number = "DN-12345", expiresOn = new DateOnly(2030, 12, 31) }).ShouldBe(HttpStatusCode.Created);

        var clientId = await IdAsync(manager.PostJsonAsync("/api/clients", ClientRequest()), "clientId");
        await manager.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true }).ShouldBe(HttpStatusCode.OK);
        await manager.PutJsonAsync($"/api/clients/{clientId}/intake", new { conditions = new[] { "Neck pain" }, contraindications = Array.Empty<string>() }).ShouldBe(HttpStatusCode.OK);

        return new Clinic(locationId, roomId, otherRoomId, therapistId, clientId);
    }

    private static async Task<Guid> IdAsync(Task<HttpResponseMessage> pending, string property)
    {
        var response = await pending.ShouldBe(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty(property).GetGuid();
    }
}
