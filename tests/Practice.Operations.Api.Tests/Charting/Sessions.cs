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

/// <summary>A booked appointment whose client has checked in; the session is not started, so what starting needs can be tested.</summary>
public sealed record CheckedInAppointment(string Tenant, Clinic Clinic, Guid AppointmentId, HttpClient Therapist)
{
    public string Url(string path = "") => $"/api/sessions/{AppointmentId}{path}";

    public Task<HttpResponseMessage> StartAsync() => Therapist.PostJsonAsync(Url("/start"));

    // Consent and intake are taken in the treatment room, so the treating therapist records them.
    public Task<HttpResponseMessage> GrantConsentAsync(string scope, bool written) =>
        Therapist.PostJsonAsync($"/api/clients/{Clinic.ClientId}/consents", new { scope, written });

    public Task<HttpResponseMessage> WithdrawConsentAsync(string scope) =>
        Therapist.PostJsonAsync($"/api/clients/{Clinic.ClientId}/consents/{scope}/withdraw");

    public Task<HttpResponseMessage> RecordIntakeAsync(params string[] contraindications) =>
        Therapist.PutJsonAsync($"/api/clients/{Clinic.ClientId}/intake", new { conditions = new[] { "Neck pain" }, contraindications });
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

    /// <summary>
    /// Books tomorrow at 10:00 in <paramref name="modality"/> with the clinic's therapist (or <paramref name="therapistId"/>) and checks the client in.
    /// </summary>
    public static async Task<CheckedInAppointment> BookAndCheckInAsync(this OperationsApi api, string tenant, Clinic clinic, string modality = "deep-tissue", Guid? therapistId = null)
    {
        var treating = clinic with { TherapistId = therapistId ?? clinic.TherapistId };
        var booked = await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/appointments", Bookings.Request(treating, api.Tomorrow(10), modality: modality))
            .ShouldBe(HttpStatusCode.Created);
        var appointmentId = (await booked.ReadJsonAsync()).GetProperty("appointmentId").GetGuid();
        await api.CheckInAsync(tenant, appointmentId).ShouldBe(HttpStatusCode.OK);
        return new CheckedInAppointment(tenant, treating, appointmentId, api.As(tenant, Roles.Therapist, treating.TherapistId));
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
