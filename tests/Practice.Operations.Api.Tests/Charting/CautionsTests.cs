using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;

namespace Practice.Operations.Api.Tests.Charting;

// Contraindications that warn: the session starts once its therapist acknowledges each, and the record says so.
public sealed class CautionsTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task A_session_starts_only_once_the_therapist_acknowledges_the_intakes_cautions()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var appointment = await api.BookAndCheckInAsync(tenant, await api.ArrangeClinicAsync(tenant), modality: "deep-tissue");
        await appointment.RecordIntakeAsync("pregnancy", "anticoagulants").ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await appointment.StartAsync().ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "acknowledgedContraindications", "contraindication-unacknowledged");
        await appointment.Therapist.PostJsonAsync(appointment.Url("/start"), new { acknowledgedContraindications = new[] { "pregnancy" } })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "acknowledgedContraindications", "contraindication-unacknowledged");
        await appointment.Therapist.PostJsonAsync(appointment.Url("/start"), new { acknowledgedContraindications = new[] { "not-a-contraindication" } })
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal(before, await api.CountEventsAsync());

        await appointment.Therapist.PostJsonAsync(appointment.Url("/start"), new { acknowledgedContraindications = new[] { "anticoagulants", "pregnancy" } })
            .ShouldBe(HttpStatusCode.OK);

        await api.WaitForViewsAsync();
        var timeline = await (await appointment.Therapist.GetAsync($"/api/clients/{appointment.Clinic.ClientId}/timeline").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Contains(timeline.GetProperty("entries").EnumerateArray(), e =>
            e.GetProperty("summary").GetString()!.EndsWith(", cautions acknowledged: anticoagulants, pregnancy", StringComparison.Ordinal));

        // The front desk sees that the session started, and nothing of the intake it may not read.
        var frontDesk = api.As(tenant, Practice.ServiceDefaults.Roles.FrontDesk);
        var desk = await (await frontDesk.GetAsync($"/api/clients/{appointment.Clinic.ClientId}/timeline").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var started = Assert.Single(desk.GetProperty("entries").EnumerateArray(), e => e.GetProperty("type").GetString() == "session-started");
        Assert.Equal("Session started: deep tissue massage with Terry Therapist", started.GetProperty("summary").GetString());
        Assert.False(started.GetProperty("data").TryGetProperty("acknowledgedContraindications", out _));
        Assert.DoesNotContain("pregnancy", desk.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("anticoagulants", desk.GetRawText(), StringComparison.Ordinal);
    }

    // An intake updated after the start is news to the session: the next technique asks for it.
    [Fact]
    public async Task A_caution_recorded_after_the_start_is_acknowledged_with_the_next_technique()
    {
        var session = await api.StartSessionAsync();
        await session.Therapist.PutJsonAsync($"/api/clients/{session.Clinic.ClientId}/intake",
            new { conditions = new[] { "Neck pain" }, contraindications = new[] { "recent-surgery" } }).ShouldBe(HttpStatusCode.OK);
        var technique = new { modality = "deep-tissue", technique = "Stripping", pressure = 2, seconds = 60 };

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), technique)
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "acknowledgedContraindications", "contraindication-unacknowledged");
        await session.Therapist.PostJsonAsync(session.Url("/techniques"),
            new { technique.modality, technique.technique, technique.pressure, technique.seconds, acknowledgedContraindications = new[] { "recent-surgery" } })
            .ShouldBe(HttpStatusCode.OK);
        // Acknowledged once, for the rest of the session.
        await session.Therapist.PostJsonAsync(session.Url("/techniques"), technique).ShouldBe(HttpStatusCode.OK);

        await api.WaitForViewsAsync();
        var timeline = await (await session.Therapist.GetAsync($"/api/clients/{session.Clinic.ClientId}/timeline").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Single(timeline.GetProperty("entries").EnumerateArray(), e =>
            e.GetProperty("summary").GetString()!.StartsWith("Technique applied: Stripping", StringComparison.Ordinal)
            && e.GetProperty("summary").GetString()!.EndsWith(", cautions acknowledged: recent surgery", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_without_cautions_starts_with_no_body_at_all()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var appointment = await api.BookAndCheckInAsync(tenant, await api.ArrangeClinicAsync(tenant));

        using var empty = new HttpRequestMessage(HttpMethod.Post, appointment.Url("/start"));
        await appointment.Therapist.SendAsync(empty).ShouldBe(HttpStatusCode.OK);
    }
}
