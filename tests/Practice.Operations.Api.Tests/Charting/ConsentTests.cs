using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Charting;

// Clients/GrantingConsentTests covers a plainly minor client; here: consent as starting a session sees it, and the age-18 boundary on the clock.
public sealed class ConsentTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Treatment_consent_withdrawn_before_the_session_stops_it_starting()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var appointment = await api.BookAndCheckInAsync(tenant, await api.ArrangeClinicAsync(tenant));
        await appointment.WithdrawConsentAsync("treatment").ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await appointment.StartAsync().ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "consent-required");
        Assert.Equal(before, await api.CountEventsAsync());

        // Consent given again is what lets it start: the refusal was the withdrawal's doing.
        await appointment.GrantConsentAsync("treatment", written: true).ShouldBe(HttpStatusCode.OK);
        await appointment.StartAsync().ShouldBe(HttpStatusCode.OK);
    }

    // Contraindications are screened at intake: a client never asked about anticoagulants has none flagged, which says nothing.
    [Fact]
    public async Task A_session_starts_only_once_the_clients_intake_is_recorded_even_one_that_flags_nothing()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        var newcomer = clinic with { ClientId = await api.ArrangeClientAsync(tenant) };
        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/clients/{newcomer.ClientId}/consents", new { scope = "treatment", written = true }).ShouldBe(HttpStatusCode.OK);
        var appointment = await api.BookAndCheckInAsync(tenant, newcomer);
        var desk = await (await api.As(tenant, Roles.FrontDesk).GetAsync($"/api/clients/{newcomer.ClientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.False(desk.GetProperty("intakeTaken").GetBoolean());
        var before = await api.CountEventsAsync();

        await appointment.StartAsync().ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "intake-required");
        Assert.Equal(before, await api.CountEventsAsync());

        await appointment.RecordIntakeAsync().ShouldBe(HttpStatusCode.OK);
        await appointment.StartAsync().ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_buttocks_chest_and_inner_thighs_are_charted_only_with_written_consent_for_sensitive_areas()
    {
        var session = await api.StartSessionAsync();
        var gluteal = new { muscle = "Gluteus medius", side = "left", activity = "active", tautBand = true, localTwitchResponse = false, referredPainRegion = "Low back" };
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/trigger-points"), gluteal).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "muscle", "consent-required");
        await session.Therapist.PostJsonAsync(session.Url("/techniques"), new { modality = "deep-tissue", technique = "Stripping", pressure = 3, seconds = 90, sensitiveArea = true })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "sensitiveArea", "consent-required");
        await session.Therapist.PostJsonAsync($"/api/clients/{session.Clinic.ClientId}/consents", new { scope = "sensitive-areas", written = false }).ShouldBe(HttpStatusCode.OK);
        await session.Therapist.PostJsonAsync(session.Url("/trigger-points"), gluteal).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "muscle", "written-consent-required");
        Assert.Equal(before + 1, await api.CountEventsAsync());

        await session.Therapist.PostJsonAsync($"/api/clients/{session.Clinic.ClientId}/consents", new { scope = "sensitive-areas", written = true }).ShouldBe(HttpStatusCode.OK);
        var found = await (await session.Therapist.PostJsonAsync(session.Url("/trigger-points"), gluteal).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        await session.Therapist.PostJsonAsync(session.Url("/techniques"),
            new { modality = "trigger-point-therapy", technique = "Ischemic compression", pressure = 4, seconds = 60, triggerPointId = found.GetProperty("triggerPointId").GetGuid() })
            .ShouldBe(HttpStatusCode.OK);

        await api.WaitForViewsAsync();
        var timeline = await (await session.Therapist.GetAsync($"/api/clients/{session.Clinic.ClientId}/timeline").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Contains(timeline.GetProperty("entries").EnumerateArray(), e => e.GetProperty("summary").GetString()!.EndsWith("on a trigger point, in a sensitive area", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trigger_point_the_therapist_marks_sensitive_needs_that_consent_and_the_timeline_says_so()
    {
        var session = await api.StartSessionAsync();
        var groin = new { muscle = "Iliopsoas", side = "right", activity = "latent", tautBand = true, localTwitchResponse = false, referredPainRegion = "Groin", sensitiveArea = true };

        await session.Therapist.PostJsonAsync(session.Url("/trigger-points"), groin).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "muscle", "consent-required");
        await session.Therapist.PostJsonAsync($"/api/clients/{session.Clinic.ClientId}/consents", new { scope = "sensitive-areas", written = true }).ShouldBe(HttpStatusCode.OK);
        await session.Therapist.PostJsonAsync(session.Url("/trigger-points"), groin).ShouldBe(HttpStatusCode.OK);

        await api.WaitForViewsAsync();
        var timeline = await (await session.Therapist.GetAsync($"/api/clients/{session.Clinic.ClientId}/timeline").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Contains(timeline.GetProperty("entries").EnumerateArray(), e => e.GetProperty("summary").GetString()!.StartsWith("Trigger point found: Iliopsoas", StringComparison.Ordinal)
            && e.GetProperty("summary").GetString()!.EndsWith(", in a sensitive area", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Treatment_consent_withdrawn_during_the_session_stops_charting_trigger_points()
    {
        var session = await api.StartSessionAsync();
        await session.Therapist.PostJsonAsync($"/api/clients/{session.Clinic.ClientId}/consents/treatment/withdraw").ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/trigger-points"),
            new { muscle = "Upper trapezius", side = "left", activity = "active", tautBand = true, localTwitchResponse = true, referredPainRegion = "Temple" })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "consent-required");
        Assert.Equal(before, await api.CountEventsAsync());
    }

    // Charting reads the client's consent but writes the session: a withdrawal committed between the two must not
    // let a trigger point in after it.
    [Fact]
    public async Task No_trigger_point_is_recorded_after_a_withdrawal_that_raced_it()
    {
        var session = await api.StartSessionAsync();
        using var gate = new SemaphoreSlim(0);
        async Task<HttpResponseMessage> After(Func<Task<HttpResponseMessage>> send)
        {
            await gate.WaitAsync();
            return await send();
        }
        var charting = Enumerable.Range(0, 24).Select(i => Task.Run(() => After(() => session.Therapist.PostJsonAsync(session.Url("/trigger-points"),
            new { muscle = $"Muscle {i}", side = "left", activity = "active", tautBand = true, localTwitchResponse = false, referredPainRegion = "Temple" })))).ToList();
        var withdrawal = Task.Run(() => After(() => session.Therapist.PostJsonAsync($"/api/clients/{session.Clinic.ClientId}/consents/treatment/withdraw")));
        gate.Release(25);

        await withdrawal.ShouldBe(HttpStatusCode.OK);
        var answers = await Task.WhenAll(charting);
        Assert.All(answers, answer => Assert.Contains(answer.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity, HttpStatusCode.Conflict }));

        var order = await api.EventTypesInCommitOrderAsync(session.Tenant);
        var withdrawn = order.IndexOf("consent-withdrawn");
        Assert.True(withdrawn >= 0);
        Assert.DoesNotContain("trigger-point-found", order.Skip(withdrawn));
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.OK), order.Count(type => type == "trigger-point-found"));
    }

    [Fact]
    public async Task A_client_a_day_short_of_18_by_the_clock_needs_a_guardian_to_consent()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        // 18 tomorrow by the test clock (not the wall clock): still a minor today.
        var clientId = await api.ArrangeClientAsync(tenant, Today(api).AddYears(-18).AddDays(1));
        var therapist = api.As(tenant, Roles.Therapist);
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true, locationId })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "guardianName", "guardian-required");
        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true, guardianName = "   ", locationId })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "guardianName", "guardian-required");
        Assert.Equal(before, await api.CountEventsAsync());

        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true, guardianName = " Pat Parent ", locationId }).ShouldBe(HttpStatusCode.OK);
        var client = await (await therapist.GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal("Pat Parent", client.GetProperty("consents").GetProperty("treatment").GetProperty("guardianName").GetString());
    }

    [Fact]
    public async Task A_client_turning_18_today_by_the_clock_consents_without_a_guardian()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = ClinicArrangement.NewTenant();
        var locationId = await api.ArrangeLocationAsync(tenant);
        var clientId = await api.ArrangeClientAsync(tenant, Today(api).AddYears(-18));
        var therapist = api.As(tenant, Roles.Therapist);

        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true, locationId }).ShouldBe(HttpStatusCode.OK);

        // An adult's consent records no guardian.
        var client = await (await therapist.GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var consent = client.GetProperty("consents").GetProperty("treatment");
        Assert.True(!consent.TryGetProperty("guardianName", out var guardian) || guardian.ValueKind == System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task A_client_is_judged_a_minor_on_the_date_where_consent_is_given()
    {
        // 20:00 in Toronto on the eve of the 18th birthday: by the UTC date the client is already 18.
        api.Clock.Set(Bookings.Monday0600.AddHours(-5));
        var tenant = ClinicArrangement.NewTenant();
        await api.ArrangeLocationAsync(tenant);
        var manager = api.As(tenant, Roles.Manager);
        var toronto = await (await manager.PostJsonAsync("/api/locations", new
        {
            name = "Uptown",
            timeZoneId = "America/Toronto",
            jurisdiction = "CA-ON",
            address = new { street = "9 Bloor St W", city = "Toronto", region = "ON", postalCode = "M4W 1A8", country = "CA" },
        }).ShouldBe(HttpStatusCode.Created)).ReadJsonAsync();
        var locationId = toronto.GetProperty("locationId").GetGuid();
        var clientId = await api.ArrangeClientAsync(tenant, Today(api).AddYears(-18));
        var therapist = api.As(tenant, Roles.Therapist);

        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true, locationId })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "guardianName", "guardian-required");
        // Without a location, a guardian is asked for until the birthday has begun in every time zone.
        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "guardianName", "guardian-required");
        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true, locationId = Guid.NewGuid() })
            .ShouldBeProblem(HttpStatusCode.NotFound, "locationId", "location-not-found");

        // At 00:30 in Toronto the birthday has begun there: the client consents alone.
        api.Clock.Set(Bookings.Monday0600.AddMinutes(-30));
        await therapist.PostJsonAsync($"/api/clients/{clientId}/consents", new { scope = "treatment", written = true, locationId }).ShouldBe(HttpStatusCode.OK);
        var client = await (await therapist.GetAsync($"/api/clients/{clientId}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var consent = client.GetProperty("consents").GetProperty("treatment");
        Assert.True(!consent.TryGetProperty("guardianName", out var guardian) || guardian.ValueKind == System.Text.Json.JsonValueKind.Null);
    }

    private static DateOnly Today(OperationsApi api) => DateOnly.FromDateTime(api.Clock.GetUtcNow().UtcDateTime);
}
