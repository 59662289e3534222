using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Charting;

public sealed record StartedSession(string Tenant, Clinic Clinic, Guid AppointmentId, HttpClient Therapist)
{
    public string Url(string path = "") => $"/api/sessions/{AppointmentId}{path}";
}

/// <summary>A booked, checked-in appointment whose session the treating therapist has started: where charting begins.</summary>
public static class Sessions
{
    public static async Task<StartedSession> StartSessionAsync(this OperationsApi api)
    {
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        var appointmentId = await api.BookAsync(tenant, clinic, api.Tomorrow(10));
        await api.CheckInAsync(tenant, appointmentId).ShouldBe(HttpStatusCode.OK);
        var started = new StartedSession(tenant, clinic, appointmentId, api.As(tenant, Roles.Therapist, clinic.TherapistId));
        await started.Therapist.PostJsonAsync(started.Url("/start")).ShouldBe(HttpStatusCode.OK);
        return started;
    }

    public static async Task<StartedSession> CompleteSessionAsync(this OperationsApi api)
    {
        var started = await api.StartSessionAsync();
        await started.Therapist.PostJsonAsync(started.Url("/complete")).ShouldBe(HttpStatusCode.OK);
        return started;
    }

    public static object Note() => new { subjective = "Neck pain 6/10", objective = "Active TrP upper trapezius", assessment = "Improving", plan = "Review in a week" };

    public static async Task<System.Text.Json.JsonElement> GetSessionAsync(this OperationsApi api, StartedSession session, string role = Roles.Manager) =>
        await (await api.As(session.Tenant, role).GetAsync(session.Url()).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
}
