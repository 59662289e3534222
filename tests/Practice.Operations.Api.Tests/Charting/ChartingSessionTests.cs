using System.Net;
using Practice.Domain.Charting;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Charting;

public sealed class ChartingSessionTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task A_charting_day_from_booking_to_signed_note()
    {
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        var id = await api.BookAsync(tenant, clinic, api.Tomorrow(10));
        await api.CheckInAsync(tenant, id).ShouldBe(HttpStatusCode.OK);
        var therapist = api.As(tenant, Roles.Therapist, clinic.TherapistId);
        var url = $"/api/sessions/{id}";

        await therapist.PostJsonAsync($"{url}/start").ShouldBe(HttpStatusCode.OK);
        await therapist.PostJsonAsync($"{url}/pain", new { phase = "before", score = 6 }).ShouldBe(HttpStatusCode.OK);
        var found = await (await therapist.PostJsonAsync($"{url}/trigger-points", new
        {
            muscle = "upper trapezius", side = "left", activity = "active", tautBand = true, localTwitchResponse = true,
            referredPainRegion = "temple", pressurePainThresholdKpa = 250m,
        }).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var triggerPointId = found.GetProperty("triggerPointId").GetGuid();
        await therapist.PostJsonAsync($"{url}/techniques", new { modality = "trigger-point-therapy", technique = "ischemic compression", pressure = 4, seconds = 90, triggerPointId })
            .ShouldBe(HttpStatusCode.OK);
        await therapist.PostJsonAsync($"{url}/discomfort", new { level = 5, note = "tolerable" }).ShouldBe(HttpStatusCode.OK);
        await therapist.PostJsonAsync($"{url}/pressure-adjustments", new { from = 4, to = 3 }).ShouldBe(HttpStatusCode.OK);
        await therapist.PostJsonAsync($"{url}/pain", new { phase = "after", score = 3 }).ShouldBe(HttpStatusCode.OK);
        await therapist.PostJsonAsync($"{url}/complete").ShouldBe(HttpStatusCode.OK);
        var signed = await therapist.PostJsonAsync($"{url}/note/sign", Sessions.Note()).ShouldBe(HttpStatusCode.OK);

        Assert.NotNull(signed.Headers.ETag);
        var session = await (await therapist.GetAsync(url).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal("completed", session.GetProperty("status").GetString());
        Assert.True(session.GetProperty("noteSigned").GetBoolean());
        Assert.Contains(triggerPointId, session.GetProperty("triggerPointIds").EnumerateArray().Select(e => e.GetGuid()));
        // Completing the session fulfils the appointment in the same transaction.
        var appointment = await (await api.As(tenant, Roles.FrontDesk).GetAsync($"/api/appointments/{id}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal("fulfilled", appointment.GetProperty("status").GetString());
        await using var store = api.Store.OpenSession(tenant);
        var events = (await store.FetchStreamAsync(TreatmentSession.StreamId(id))).Select(e => e.Data).ToList();
        Assert.Equal([6, 3], events.OfType<PainRecorded>().Select(p => p.Score));
        var technique = Assert.Single(events.OfType<TechniqueApplied>());
        Assert.Equal((4, 90, triggerPointId), (technique.Pressure, technique.Seconds, technique.TriggerPointId));
    }

    [Fact]
    public async Task A_session_starts_only_after_check_in()
    {
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        var id = await api.BookAsync(tenant, clinic, api.Tomorrow(10));
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.Therapist, clinic.TherapistId).PostJsonAsync($"/api/sessions/{id}/start")
            .ShouldBeProblem(HttpStatusCode.Conflict, code: "status-conflict");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Charting_after_completion_is_refused_but_an_adverse_event_is_still_recorded()
    {
        var session = await api.CompleteSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/pain"), new { phase = "after", score = 2 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "session-completed");
        Assert.Equal(before, await api.CountEventsAsync());

        // Bruising often shows the next day, so it is accepted after completion.
        await session.Therapist.PostJsonAsync(session.Url("/adverse-events"), new { kind = "bruising", severity = "mild" }).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Pain_outside_0_to_10_is_refused_naming_the_score()
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/pain"), new { phase = "before", score = 11 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "score", "out-of-range");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Pressure_outside_1_to_5_is_refused()
    {
        var session = await api.StartSessionAsync();

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), new { modality = "deep-tissue", technique = "stripping", pressure = 6, seconds = 60 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "pressure", "out-of-range");
    }

    [Fact]
    public async Task Charting_an_appointment_with_no_session_is_not_found()
    {
        var session = await api.StartSessionAsync();

        await session.Therapist.PostJsonAsync($"/api/sessions/{Guid.NewGuid()}/pain", new { phase = "before", score = 2 })
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "session-not-found");
    }
}
