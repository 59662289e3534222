using System.Net;
using Practice.Domain;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.Projections.ClientTimeline;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Views;

public sealed class ClientTimelineTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static string Url(Guid clientId, string query = "") => $"/api/clients/{clientId}/timeline{query}";

    /// <summary>
    /// Registration, consent, a booking for Tuesday 10:00, check-in, a charted session (pain 6 then 3, one trigger point, one technique),
    /// completion and a signed note; the clock moves a minute between steps so "newest first" is visible in the times.
    /// </summary>
    private async Task<(string Tenant, Clinic Clinic)> ArrangeTreatedClientAsync()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        var appointmentId = await api.BookAsync(tenant, clinic, api.Tomorrow(10));
        api.Clock.Set(api.Tomorrow(9, 55));
        await api.CheckInAsync(tenant, appointmentId).ShouldBe(HttpStatusCode.OK);

        var therapist = api.As(tenant, Roles.Therapist, clinic.TherapistId);
        var url = $"/api/sessions/{appointmentId}";
        async Task Step(string path, object? body = null)
        {
            api.Clock.Advance(TimeSpan.FromMinutes(1));
            await therapist.PostJsonAsync($"{url}{path}", body).ShouldBe(HttpStatusCode.OK);
        }
        await Step("/start");
        await Step("/pain", new { phase = "before", score = 6 });
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        var found = await (await therapist.PostJsonAsync($"{url}/trigger-points", new
        {
            muscle = "upper trapezius", side = "left", activity = "active", tautBand = true, localTwitchResponse = true,
            referredPainRegion = "temple", pressurePainThresholdKpa = 250m,
        }).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        await Step("/techniques", new
        {
            modality = "trigger-point-therapy", technique = "ischemic compression", pressure = 4, seconds = 90,
            triggerPointId = found.GetProperty("triggerPointId").GetGuid(),
        });
        await Step("/pain", new { phase = "after", score = 3 });
        await Step("/complete");
        await Step("/note/sign", Charting.Sessions.Note());
        await api.WaitForViewsAsync();
        return (tenant, clinic);
    }

    private async Task<ClientTimelinePage> PageAsync(HttpClient caller, Guid clientId, string query = "") =>
        await (await caller.GetAsync(Url(clientId, query)).ShouldBe(HttpStatusCode.OK)).ReadAsync<ClientTimelinePage>();

    [Fact]
    public async Task Manager_and_therapist_read_the_whole_story_newest_first()
    {
        var (tenant, clinic) = await ArrangeTreatedClientAsync();

        foreach (var caller in new[] { api.As(tenant, Roles.Manager), api.As(tenant, Roles.Therapist, clinic.TherapistId) })
        {
            var page = await PageAsync(caller, clinic.ClientId);

            Assert.Null(page.NextCursor);
            // Completion and fulfilment share one command, hence one time: the later sequence comes first.
            Assert.Equal(
            [
                "SOAP note signed",
                "Appointment fulfilled",
                "Session completed; SOAP note due by 2026-11-27 10:01",
                "Pain after session: 3/10",
                "Technique applied: ischemic compression (trigger point therapy), pressure 4/5 for 90 s on a trigger point",
                "Trigger point found: upper trapezius, left, active, referred to temple, taut band, local twitch response, pressure pain threshold 250 kPa",
                "Pain before session: 6/10",
                "Session started: deep tissue massage with Terry Therapist",
                "Checked in",
                "Booked deep tissue massage with Terry Therapist for 2026-11-24 10:00 (60 min)",
                "Intake recorded: conditions Neck pain; contraindications none",
                "Consent granted for treatment (written)",
                "Registered as a client: Alex Client",
            ], page.Entries.Select(e => e.Summary));
            Assert.Equal(page.Entries.OrderByDescending(e => e.OccurredAt).Select(e => e.OccurredAt), page.Entries.Select(e => e.OccurredAt));
            Assert.Equal(6, page.Entries.Count(e => e.Clinical));
            Assert.True(page.Entries.Single(e => e.Summary.StartsWith("Pain before", StringComparison.Ordinal)).Clinical);
        }
    }

    [Fact]
    public async Task Pages_of_two_walk_every_entry_once_in_order()
    {
        var (tenant, clinic) = await ArrangeTreatedClientAsync();
        var manager = api.As(tenant, Roles.Manager);
        var all = (await PageAsync(manager, clinic.ClientId)).Entries.Select(e => e.EventId).ToList();

        var walked = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(manager, clinic.ClientId, cursor is null ? "?pageSize=2" : $"?pageSize=2&cursor={Uri.EscapeDataString(cursor)}");
            Assert.InRange(page.Entries.Count, 1, 2);
            walked.AddRange(page.Entries.Select(e => e.EventId));
            cursor = page.NextCursor;
            pages++;
            Assert.True(pages <= all.Count, "The cursor never ran out.");
        }
        while (cursor is not null);

        Assert.Equal(13, all.Count);
        Assert.Equal(7, pages);
        Assert.Equal(all, walked);
    }

    // Sequences are global: their gaps, in an entry or a cursor, would tell a clinic how busy the others are.
    [Fact]
    public async Task Entries_and_cursors_carry_no_global_position_and_a_cursor_opens_only_its_own_timeline()
    {
        var (tenant, clinic) = await ArrangeTreatedClientAsync();
        var manager = api.As(tenant, Roles.Manager);

        var response = await (await manager.GetAsync(Url(clinic.ClientId, "?pageSize=2")).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var entry = response.GetProperty("entries")[1];
        Assert.DoesNotContain("sequence", entry.EnumerateObject().Select(p => p.Name));
        var cursor = response.GetProperty("nextCursor").GetString()!;
        var decoded = System.Buffers.Text.Base64Url.DecodeFromChars(cursor);
        Assert.Equal(entry.GetProperty("eventId").GetGuid(), new Guid(decoded));

        var otherClientId = await api.ArrangeClientAsync(tenant);
        await manager.GetAsync(Url(otherClientId, $"?cursor={Uri.EscapeDataString(cursor)}")).ShouldBeProblem(HttpStatusCode.BadRequest, "cursor");
        var madeUp = System.Buffers.Text.Base64Url.EncodeToString(Guid.NewGuid().ToByteArray());
        await manager.GetAsync(Url(clinic.ClientId, $"?cursor={madeUp}")).ShouldBeProblem(HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task Front_desk_sees_the_appointments_but_nothing_clinical()
    {
        var (tenant, clinic) = await ArrangeTreatedClientAsync();

        var page = await PageAsync(api.As(tenant, Roles.FrontDesk), clinic.ClientId);

        Assert.All(page.Entries, e => Assert.False(e.Clinical, e.Summary));
        Assert.DoesNotContain(page.Entries, e => e.Summary.StartsWith("Pain", StringComparison.Ordinal)
            || e.Summary.StartsWith("Trigger point", StringComparison.Ordinal)
            || e.Summary.StartsWith("Technique", StringComparison.Ordinal)
            || e.Summary.StartsWith("SOAP note signed", StringComparison.Ordinal));
        Assert.Contains(page.Entries, e => e.Summary.StartsWith("Booked deep tissue massage", StringComparison.Ordinal));
        Assert.Contains(page.Entries, e => e.Summary == "Checked in");
        Assert.Equal(7, page.Entries.Count);
        // Completion and fulfilment are the front desk's; the modalities the session used are its charting.
        var completion = page.Entries.Where(e => e.Type is "session-completed" or "appointment-fulfilled").ToList();
        Assert.Equal(2, completion.Count);
        Assert.All(completion, e => Assert.False(e.Data.TryGetProperty("modalitiesUsed", out _), e.Type));
        var manager = await PageAsync(api.As(tenant, Roles.Manager), clinic.ClientId);
        Assert.All(manager.Entries.Where(e => e.Type is "session-completed" or "appointment-fulfilled"),
            e => Assert.Equal("trigger-point-therapy", e.Data.GetProperty("modalitiesUsed")[0].GetString()));
    }

    [Fact]
    public async Task Another_tenant_and_an_unknown_client_are_not_found()
    {
        var (_, clinic) = await ArrangeTreatedClientAsync();
        var otherTenant = Bookings.NewTenant();
        await api.ArrangeClinicAsync(otherTenant);

        await api.As(otherTenant, Roles.Manager).GetAsync(Url(clinic.ClientId)).ShouldBeProblem(HttpStatusCode.NotFound, code: DomainErrorCodes.ClientNotFound);
        await api.As(otherTenant, Roles.Manager).GetAsync(Url(Guid.NewGuid())).ShouldBeProblem(HttpStatusCode.NotFound, code: DomainErrorCodes.ClientNotFound);
    }

    [Theory]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=201", "pageSize")]
    [InlineData("?cursor=bogus", "cursor")]
    [InlineData("?cursor=!!not-base64!!", "cursor")]
    [InlineData("?cursor=aGVsbG8", "cursor")] // "hello": base64url, but not a position
    public async Task Bad_paging_parameters_are_refused_naming_them(string query, string field)
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);

        await api.As(tenant, Roles.Manager).GetAsync(Url(clinic.ClientId, query)).ShouldBeProblem(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Analysts_are_forbidden_and_anonymous_callers_unauthorised()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);

        await api.As(tenant, Roles.Analyst).GetAsync(Url(clinic.ClientId)).ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.CreateClient().GetAsync(Url(clinic.ClientId)).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }
}
