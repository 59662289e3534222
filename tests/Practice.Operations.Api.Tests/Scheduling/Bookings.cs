using System.Net;
using System.Text.Json;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

/// <summary>Booking through the API as front desk: the arrangement the scheduling and charting tests share.</summary>
public static class Bookings
{
    /// <summary>The test clock's start; tests that move the clock put it back here first.</summary>
    public static readonly DateTimeOffset Monday0600 = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Tomorrow (by the test clock) at the given UTC hour; the location runs in UTC.</summary>
    public static DateTimeOffset Tomorrow(this OperationsApi api, int hour, int minute = 0) =>
        new DateTimeOffset(api.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1).AddHours(hour).AddMinutes(minute);

    public static object Request(Clinic clinic, DateTimeOffset start, Guid? roomId = null, int durationMinutes = 60, string modality = "deep-tissue") => new
    {
        locationId = clinic.LocationId,
        roomId = roomId ?? clinic.RoomId,
        therapistId = clinic.TherapistId,
        clientId = clinic.ClientId,
        modality,
        start,
        durationMinutes,
    };

    public static async Task<Guid> BookAsync(this OperationsApi api, string tenant, Clinic clinic, DateTimeOffset start, Guid? roomId = null)
    {
        var response = await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/appointments", Request(clinic, start, roomId)).ShouldBe(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("appointmentId").GetGuid();
    }

    public static Task<HttpResponseMessage> CheckInAsync(this OperationsApi api, string tenant, Guid appointmentId) =>
        api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{appointmentId}/check-in");

    /// <summary>The appointment as front desk reads it back.</summary>
    public static async Task<JsonElement> AppointmentAsync(this OperationsApi api, string tenant, Guid appointmentId) =>
        await (await api.As(tenant, Roles.FrontDesk).GetAsync($"/api/appointments/{appointmentId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();

    /// <summary>A clinic-side cancellation: no fee, so only the status matters to the caller.</summary>
    public static Task<HttpResponseMessage> CancelAsync(this OperationsApi api, string tenant, Guid appointmentId) =>
        api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/appointments/{appointmentId}/cancel", new { cancelledBy = "clinic", reason = "therapist ill" });

    public static string NewTenant() => $"t-{Guid.NewGuid():N}";
}
