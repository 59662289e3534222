using System.Net;
using System.Text.Json;
using Practice.Domain.Charting;
using Practice.Domain.Clients;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;
using Practice.EventStore.Projections;
using Practice.Integrations.Api.Tests.Infrastructure;
using Practice.Projections;
using Practice.ServiceDefaults;

namespace Practice.Integrations.Api.Tests;

/// <summary>GET /api/feed: a tenant's events as CloudEvents 1.0, paged by an opaque cursor.</summary>
public sealed class FeedTests(IntegrationsApi api) : IClassFixture<IntegrationsApi>
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Returns_the_tenants_events_oldest_first_as_cloud_events()
    {
        // A fresh tenant per test: the class shares one schema, and the feed is read from the start.
        var tenant = IntegrationsApi.NewTenant();
        var clientId = Guid.NewGuid();
        var appointmentId = Guid.NewGuid();
        var registered = new ClientRegistered(clientId, "Ada Lovelace", new DateOnly(1990, 4, 1), new Contact("ada@example.test", "+44 20 0000 0000"), At);
        var booked = new AppointmentBooked(appointmentId, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), clientId, Modality.DeepTissue,
            At.AddDays(1).AddHours(1), At.AddDays(1).AddHours(2), DateOnly.FromDateTime(At.AddDays(1).UtcDateTime), At);
        // Two transactions, client first: the feed must give them back in that order.
        var clientStream = await api.StartStreamAsync(tenant, Client.StreamId(clientId), Client.StreamType, registered);
        var appointmentStream = await api.StartStreamAsync(tenant, Appointment.StreamId(appointmentId), Appointment.StreamType, booked);
        var stored = (await api.FetchStreamAsync(tenant, clientStream)).Concat(await api.FetchStreamAsync(tenant, appointmentStream)).ToList();
        var integration = api.As(tenant, Roles.Integration);

        var page = await IntegrationsApi.WaitForFeedAsync(integration, expected: 2);

        Assert.Equal(stored.Select(e => e.Id.ToString()), page.Ids);
        for (var i = 0; i < stored.Count; i++)
        {
            var cloudEvent = page.Events[i];
            Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
            Assert.Equal($"practice.{stored[i].TypeName}", cloudEvent.GetProperty("type").GetString());
            Assert.Equal(stored[i].StreamId, cloudEvent.GetProperty("subject").GetString());
            Assert.Equal(stored[i].Timestamp, cloudEvent.GetProperty("time").GetDateTimeOffset());
            Assert.Equal("application/json", cloudEvent.GetProperty("datacontenttype").GetString());
            Assert.Equal("urn:practice:feed", cloudEvent.GetProperty("source").GetString());
        }
        // Pin the stored names too, so a renamed registration cannot pass by changing both sides.
        Assert.Equal("practice.client-registered", page.Events[0].GetProperty("type").GetString());
        Assert.Equal("practice.appointment-booked", page.Events[1].GetProperty("type").GetString());

        var clientData = page.Events[0].GetProperty("data");
        Assert.Equal(["clientId", "contact", "dateOfBirth", "name", "registeredAt"], PropertyNames(clientData));
        Assert.Equal(clientId, clientData.GetProperty("clientId").GetGuid());
        Assert.Equal("Ada Lovelace", clientData.GetProperty("name").GetString());
        Assert.Equal("1990-04-01", clientData.GetProperty("dateOfBirth").GetString());
        Assert.Equal("ada@example.test", clientData.GetProperty("contact").GetProperty("email").GetString());
        Assert.Equal(At, clientData.GetProperty("registeredAt").GetDateTimeOffset());

        var appointmentData = page.Events[1].GetProperty("data");
        Assert.Equal(["appointmentId", "bookedAt", "clientId", "day", "end", "locationId", "modality", "roomId", "start", "therapistId"],
            PropertyNames(appointmentData));
        Assert.Equal(appointmentId, appointmentData.GetProperty("appointmentId").GetGuid());
        Assert.Equal(clientId, appointmentData.GetProperty("clientId").GetGuid());
        Assert.Equal(booked.Start, appointmentData.GetProperty("start").GetDateTimeOffset());
    }

    [Fact]
    public async Task Paging_with_next_walks_every_event_exactly_once_and_stops_at_the_end()
    {
        var tenant = IntegrationsApi.NewTenant();
        // Five events over four transactions (one holds two), so pages of two cross transaction boundaries.
        for (var i = 0; i < 3; i++)
        {
            var id = Guid.NewGuid();
            await api.StartStreamAsync(tenant, Client.StreamId(id), Client.StreamType,
                new ClientRegistered(id, $"Client {i}", new DateOnly(1980 + i, 1, 1), new Contact(null, null), At));
        }
        var twoEventsId = Guid.NewGuid();
        await api.StartStreamAsync(tenant, Client.StreamId(twoEventsId), Client.StreamType,
            new ClientRegistered(twoEventsId, "Client 3", new DateOnly(1985, 1, 1), new Contact(null, null), At),
            new ConsentGranted(twoEventsId, ConsentScope.Treatment, Written: true, GuardianName: null, At));
        var integration = api.As(tenant, Roles.Integration, FeedSharing.ClinicalScope);
        // Wait until all five are visible, so the walk below is deterministic.
        var all = await IntegrationsApi.WaitForFeedAsync(integration, expected: 5);
        Assert.Equal(5, all.Events.Count);

        var walked = new List<string>();
        var pageSizes = new List<int>();
        string? after = null;
        // As a client pages: until next comes back equal to the after it sent.
        while (pageSizes.Count <= 10)
        {
            var page = await IntegrationsApi.ReadFeedAsync(integration, after, limit: 2);
            pageSizes.Add(page.Events.Count);
            walked.AddRange(page.Ids);
            if (page.Next == after)
            {
                break;
            }
            after = page.Next;
        }

        Assert.Equal([2, 2, 1, 0], pageSizes);
        Assert.Equal(all.Ids, walked);
        Assert.Equal(walked.Count, walked.Distinct().Count());

        // Past the end: nothing, and the cursor stays put so a poller can keep asking with it.
        var past = await IntegrationsApi.ReadFeedAsync(integration, after, limit: 2);
        Assert.Empty(past.Events);
        Assert.Equal(after, past.Next);
    }

    [Fact]
    public async Task Another_tenants_events_never_appear()
    {
        var tenantA = IntegrationsApi.NewTenant();
        var tenantB = IntegrationsApi.NewTenant();
        // Interleaved appends, so a missing tenant filter would put B's events between A's.
        var a1 = await RegisterClientAsync(tenantA, "A one");
        var b1 = await RegisterClientAsync(tenantB, "B one");
        var a2 = await RegisterClientAsync(tenantA, "A two");
        var b2 = await RegisterClientAsync(tenantB, "B two");
        var clientA = api.As(tenantA, Roles.Integration);
        var clientB = api.As(tenantB, Roles.Manager);
        // Wait for both before asserting, so every event of both tenants is visible to both reads.
        await IntegrationsApi.WaitForFeedAsync(clientA, expected: 2);
        await IntegrationsApi.WaitForFeedAsync(clientB, expected: 2);

        var seenByA = await IntegrationsApi.ReadFeedAsync(clientA, limit: 1000);
        var seenByB = await IntegrationsApi.ReadFeedAsync(clientB, limit: 1000);

        Assert.Equal([Client.StreamId(a1), Client.StreamId(a2)], seenByA.Events.Select(e => e.GetProperty("subject").GetString()));
        Assert.Equal([Client.StreamId(b1), Client.StreamId(b2)], seenByB.Events.Select(e => e.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task An_empty_page_moves_next_past_other_tenants_events_so_a_quiet_tenant_catches_up()
    {
        var busy = IntegrationsApi.NewTenant();
        await RegisterClientAsync(busy, "Busy one");
        await RegisterClientAsync(busy, "Busy two");
        var busyEvents = await IntegrationsApi.WaitForFeedAsync(api.As(busy, Roles.Integration), expected: 2);
        var lastBusyStream = await api.FetchStreamAsync(busy, busyEvents.Events[^1].GetProperty("subject").GetString()!);
        var lastBusy = ProjectionPosition.Of(lastBusyStream[^1]);
        var quietTenant = IntegrationsApi.NewTenant();
        var quiet = api.As(quietTenant, Roles.Integration);

        var page = await IntegrationsApi.ReadFeedAsync(quiet);

        Assert.Empty(page.Events);
        Assert.True(Cursors.TryOpen(quietTenant, page.Next, out var next), $"'{page.Next}' is not a cursor of this feed.");
        Assert.True(next >= lastBusy, $"next {next} did not move past the other tenant's last event at {lastBusy}.");
        var caughtUp = await IntegrationsApi.ReadFeedAsync(quiet, page.Next);
        Assert.Empty(caughtUp.Events);
        Assert.Equal(page.Next, caughtUp.Next);
    }

    [Theory]
    [InlineData(Roles.Analyst)]
    [InlineData(Roles.FrontDesk)]
    [InlineData(Roles.Therapist)]
    public async Task Roles_other_than_integration_and_manager_are_forbidden(string role)
    {
        var client = api.As(IntegrationsApi.NewTenant(), role);

        await client.GetAsync(new Uri("/api/feed", UriKind.Relative)).ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    /// <summary>An event type only a newer version of the service knows.</summary>
    private sealed record PackageSold(Guid ClientId, int Sessions);

    [Fact]
    public async Task An_event_this_api_cannot_read_comes_as_stored_and_the_feed_goes_on_past_it()
    {
        var tenant = IntegrationsApi.NewTenant();
        var clientId = Guid.NewGuid();
        await using var newer = await Practice.Testing.TestDatabase.CreateStoreAsync(api.Schema, options =>
        {
            PracticeEventTypes.Register(options.Events);
            options.Events.Register<PackageSold>("package-sold");
        });
        await using (var session = newer.OpenSession(tenant))
        {
            session.StartStream(Client.StreamId(clientId), Client.StreamType,
                new ClientRegistered(clientId, "Ada Lovelace", new DateOnly(1990, 4, 1), new Contact(null, null), At));
            await session.SaveChangesAsync();
            session.Append(Client.StreamId(clientId), Client.StreamType, 1, new PackageSold(clientId, 5));
            await session.SaveChangesAsync();
            session.Append(Client.StreamId(clientId), Client.StreamType, 2, new ConsentGranted(clientId, ConsentScope.Treatment, Written: true, GuardianName: null, At));
            await session.SaveChangesAsync();
        }

        var page = await IntegrationsApi.WaitForFeedAsync(api.As(tenant, Roles.Manager), expected: 3);

        Assert.Equal(["practice.client-registered", "practice.package-sold", "practice.consent-granted"],
            page.Events.Select(e => e.GetProperty("type").GetString()));
        var sold = page.Events[1].GetProperty("data");
        Assert.Equal((clientId, 5), (sold.GetProperty("clientId").GetGuid(), sold.GetProperty("sessions").GetInt32()));
        // Nobody has said what a partner may see of it, so no partner sees it, whatever its scopes.
        var partner = await IntegrationsApi.ReadFeedAsync(api.As(tenant, Roles.Integration, FeedSharing.ClinicalScope), limit: 1000);
        Assert.Equal(["practice.client-registered", "practice.consent-granted"], partner.Events.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_partner_reads_the_clinics_day_and_clinical_records_only_with_the_clinical_scope()
    {
        var tenant = IntegrationsApi.NewTenant();
        var (clientId, therapistId, appointmentId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var day = DateOnly.FromDateTime(At.AddDays(1).UtcDateTime);
        await api.StartStreamAsync(tenant, Therapist.StreamId(therapistId), Therapist.StreamType,
            new TherapistRegistered(therapistId, "Terry", [Guid.NewGuid()], At),
            new CredentialAdded(therapistId, Guid.NewGuid(), CredentialKinds.DryNeedling, "CA-ON", "DN-SECRET-1234", new DateOnly(2030, 1, 1), At));
        await api.StartStreamAsync(tenant, Client.StreamId(clientId), Client.StreamType,
            new ClientRegistered(clientId, "Ada Lovelace", new DateOnly(1990, 4, 1), new Contact(null, null), At),
            new IntakeRecorded(clientId, ["neck pain"], [Contraindication.Pregnancy], At));
        await api.StartStreamAsync(tenant, Appointment.StreamId(appointmentId), Appointment.StreamType,
            new AppointmentBooked(appointmentId, Guid.NewGuid(), Guid.NewGuid(), therapistId, clientId, Modality.DeepTissue, At.AddDays(1), At.AddDays(1).AddHours(1), day, At),
            new AppointmentFulfilled(appointmentId, clientId, therapistId, Guid.NewGuid(), Modality.DeepTissue, At.AddDays(1).AddHours(1), [Modality.DeepTissue, Modality.DryNeedling]));
        await api.StartStreamAsync(tenant, TherapistDay.StreamId(therapistId, day), TherapistDay.StreamType,
            new TherapistSlotReserved(therapistId, day, appointmentId, Guid.NewGuid(), At.AddDays(1), At.AddDays(1).AddHours(1)));
        await api.StartStreamAsync(tenant, TreatmentSession.StreamId(appointmentId), TreatmentSession.StreamType,
            new SoapNoteSigned(appointmentId, clientId, therapistId, "neck stiff", "taut band", "improving", "review in 2 weeks", At));
        var everything = await IntegrationsApi.WaitForFeedAsync(api.As(tenant, Roles.Manager), expected: 8);

        var bookingSite = await IntegrationsApi.ReadFeedAsync(api.As(tenant, Roles.Integration), limit: 1000);
        var ehr = await IntegrationsApi.ReadFeedAsync(api.As(tenant, Roles.Integration, FeedSharing.ClinicalScope), limit: 1000);

        Assert.Equal(["therapist-registered", "credential-added", "client-registered", "appointment-booked", "appointment-fulfilled"], Types(bookingSite));
        Assert.Equal(["therapist-registered", "credential-added", "client-registered", "intake-recorded", "appointment-booked", "appointment-fulfilled", "soap-note-signed"], Types(ehr));
        Assert.Equal(["therapist-registered", "credential-added", "client-registered", "intake-recorded", "appointment-booked", "appointment-fulfilled", "therapist-slot-reserved", "soap-note-signed"],
            Types(everything));
        // That the visit happened is the booking site's; that it included needling is charting.
        Assert.False(Fulfilled(bookingSite).TryGetProperty("modalitiesUsed", out _));
        Assert.Equal(2, Fulfilled(ehr).GetProperty("modalitiesUsed").GetArrayLength());
        Assert.Equal(2, Fulfilled(everything).GetProperty("modalitiesUsed").GetArrayLength());
        // The licence number is shown to nobody, as in the Operations API.
        foreach (var page in new[] { bookingSite, ehr, everything })
        {
            var credential = page.Events.Single(e => e.GetProperty("type").GetString() == "practice.credential-added").GetProperty("data");
            Assert.False(credential.TryGetProperty("number", out _));
            Assert.Equal("CA-ON", credential.GetProperty("jurisdiction").GetString());
        }
    }

    [Fact]
    public void Every_event_type_is_either_shared_with_partners_clinical_or_never_shared()
    {
        var classified = FeedSharing.Operational.Concat(FeedSharing.Clinical).Concat(FeedSharing.NeverShared).ToList();

        Assert.Equal(Practice.Domain.DomainEvents.All.Keys.Order(StringComparer.Ordinal), classified.Order(StringComparer.Ordinal));
    }

    private static System.Text.Json.JsonElement Fulfilled(FeedResponse page) =>
        page.Events.Single(e => e.GetProperty("type").GetString() == "practice.appointment-fulfilled").GetProperty("data");

    private static List<string> Types(FeedResponse page) =>
        [.. page.Events.Select(e => e.GetProperty("type").GetString()!["practice.".Length..])];

    // Source and id identify an event: the host a caller used must not make the same event another.
    [Fact]
    public async Task An_events_source_does_not_depend_on_the_host_it_was_read_through()
    {
        var tenant = IntegrationsApi.NewTenant();
        var clientId = Guid.NewGuid();
        await api.StartStreamAsync(tenant, Client.StreamId(clientId), Client.StreamType,
            new ClientRegistered(clientId, "Ada Lovelace", new DateOnly(1990, 4, 1), new Contact(null, null), At));
        var integration = api.As(tenant, Roles.Integration);
        var first = await IntegrationsApi.WaitForFeedAsync(integration, expected: 1);

        var other = api.As(tenant, Roles.Integration);
        other.BaseAddress = new Uri("http://feed.partner.example/");
        var second = await IntegrationsApi.ReadFeedAsync(other);

        Assert.Equal(first.Events[0].GetProperty("source").GetString(), second.Events[0].GetProperty("source").GetString());
    }

    // An event stored before a field existed reads with it null; the page must still be written, and the feed go on.
    [Fact]
    public async Task An_event_stored_without_a_field_added_since_is_served_with_it_null_and_the_feed_goes_on()
    {
        var tenant = IntegrationsApi.NewTenant();
        var clientId = Guid.NewGuid();
        await using var older = await Practice.Testing.TestDatabase.CreateStoreAsync(api.Schema, options =>
            options.Events.Register<ClientRegisteredBeforeNames>("client-registered"));
        await using (var session = older.OpenSession(tenant))
        {
            session.StartStream(Client.StreamId(clientId), Client.StreamType, new ClientRegisteredBeforeNames(clientId, new DateOnly(1990, 4, 1)));
            await session.SaveChangesAsync();
        }
        await using (var session = api.Store.OpenSession(tenant))
        {
            session.Append(Client.StreamId(clientId), Client.StreamType, 1, new ConsentGranted(clientId, ConsentScope.Treatment, Written: true, GuardianName: null, At));
            await session.SaveChangesAsync();
        }

        var page = await IntegrationsApi.WaitForFeedAsync(api.As(tenant, Roles.Integration, FeedSharing.ClinicalScope), expected: 2);

        Assert.Equal(["practice.client-registered", "practice.consent-granted"], page.Events.Select(e => e.GetProperty("type").GetString()));
        var registered = page.Events[0].GetProperty("data");
        Assert.Equal(JsonValueKind.Null, registered.GetProperty("name").ValueKind);
        Assert.Equal(clientId, registered.GetProperty("clientId").GetGuid());
    }

    [Fact]
    public async Task No_token_is_unauthorized()
    {
        var anonymous = api.CreateClient();

        await anonymous.GetAsync(new Uri("/api/feed", UriKind.Relative)).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(Roles.Integration)]
    [InlineData(Roles.Manager)]
    public async Task Integration_and_manager_may_read(string role)
    {
        var client = api.As(IntegrationsApi.NewTenant(), role);

        // A tenant with no events: an empty page, whose cursor may have moved past other tenants' events.
        var page = await IntegrationsApi.ReadFeedAsync(client);
        Assert.Empty(page.Events);
        Assert.False(string.IsNullOrEmpty(page.Next));
    }

    // Positions are global: in clear, a cursor would tell one clinic how many events the others write.
    [Fact]
    public async Task A_cursor_tells_nothing_of_other_tenants_and_opens_only_for_its_own()
    {
        var mine = IntegrationsApi.NewTenant();
        var theirs = IntegrationsApi.NewTenant();
        await RegisterClientAsync(mine, "Mine");
        await RegisterClientAsync(theirs, "Theirs");
        var page = await IntegrationsApi.WaitForFeedAsync(api.As(mine, Roles.Integration), expected: 1);

        Assert.False(ProjectionPosition.TryParse(page.Next, out _), $"'{page.Next}' is a position in clear.");
        Assert.DoesNotContain("sequence", PropertyNames(page.Events[0]));
        await api.As(theirs, Roles.Integration).GetAsync(new Uri($"/api/feed?after={Uri.EscapeDataString(page.Next)}", UriKind.Relative))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "after");
        // One position, one cursor: reading on from it again gives the very same text, which is how a poller knows it is caught up.
        var again = await IntegrationsApi.ReadFeedAsync(api.As(mine, Roles.Integration), page.Next);
        var onceMore = await IntegrationsApi.ReadFeedAsync(api.As(mine, Roles.Integration), again.Next);
        Assert.Equal(again.Next, onceMore.Next);
    }

    // In clear, made-up positions would let a caller binary-search where its own events sit in the global order.
    [Fact]
    public async Task A_cursor_in_clear_is_refused()
    {
        var tenant = IntegrationsApi.NewTenant();
        await RegisterClientAsync(tenant, "Before");
        var first = await IntegrationsApi.WaitForFeedAsync(api.As(tenant, Roles.Integration), expected: 1);
        Assert.True(Cursors.TryOpen(tenant, first.Next, out var position));

        await api.As(tenant, Roles.Integration).GetAsync(new Uri($"/api/feed?after={position}", UriKind.Relative))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "after");
    }

    [Fact]
    public async Task An_empty_limit_is_the_default_page()
    {
        var client = api.As(IntegrationsApi.NewTenant(), Roles.Integration);

        var response = await client.GetAsync(new Uri("/api/feed?limit=", UriKind.Relative)).ShouldBe(HttpStatusCode.OK);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Empty(page.RootElement.GetProperty("events").EnumerateArray());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("1.")]
    [InlineData("-1.5")]
    public async Task An_after_that_is_not_a_cursor_is_a_400_naming_after(string after)
    {
        var client = api.As(IntegrationsApi.NewTenant(), Roles.Integration);

        await client.GetAsync(new Uri($"/api/feed?after={Uri.EscapeDataString(after)}", UriKind.Relative))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "after");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_limit_outside_1_to_1000_is_a_400_naming_limit(int limit)
    {
        var client = api.As(IntegrationsApi.NewTenant(), Roles.Integration);

        await client.GetAsync(new Uri($"/api/feed?limit={limit}", UriKind.Relative))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "limit");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("99999999999")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public async Task A_limit_that_is_not_a_whole_number_in_range_is_a_400_naming_limit(string limit)
    {
        var client = api.As(IntegrationsApi.NewTenant(), Roles.Integration);

        await client.GetAsync(new Uri($"/api/feed?limit={Uri.EscapeDataString(limit)}", UriKind.Relative))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "limit");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task The_limits_bounds_are_accepted(int limit)
    {
        // The edges of the range, so an off-by-one in the check fails here rather than in production.
        var client = api.As(IntegrationsApi.NewTenant(), Roles.Integration);

        var page = await IntegrationsApi.ReadFeedAsync(client, limit: limit);
        Assert.Empty(page.Events);
    }

    [Fact]
    public async Task A_page_of_events_is_recorded_in_the_access_log_and_a_caught_up_poll_is_not()
    {
        var tenant = IntegrationsApi.NewTenant();
        var client = await RegisterClientAsync(tenant, "Logged Reader");
        var integration = api.As(tenant, Roles.Integration);

        var page = await IntegrationsApi.WaitForFeedAsync(integration, 1);
        await IntegrationsApi.ReadFeedAsync(integration, after: page.Next);
        await IntegrationsApi.ReadFeedAsync(integration, after: page.Next);

        await using var command = api.Store.DataSource.CreateCommand(
            $"SELECT user_id, role, record, record_id, client_id::text FROM {api.Schema}.access_log WHERE tenant_id = $1 ORDER BY id");
        command.Parameters.AddWithValue(tenant);
        var logged = new List<(string, string, string, string, string)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                logged.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
            }
        }
        Assert.Equal([($"integration@{tenant}", "integration", "feed", $"..{page.Next}", client.ToString())], logged);
    }

    private FeedCursor Cursors => api.Services.GetRequiredService<FeedCursor>();

    private async Task<Guid> RegisterClientAsync(string tenant, string name)
    {
        var id = Guid.NewGuid();
        await api.StartStreamAsync(tenant, Client.StreamId(id), Client.StreamType,
            new ClientRegistered(id, name, new DateOnly(1990, 1, 1), new Contact(null, null), At));
        return id;
    }

    private static string[] PropertyNames(JsonElement element) =>
        [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}

/// <summary>ClientRegistered as an older version wrote it: no name, contact or registration time yet.</summary>
public sealed record ClientRegisteredBeforeNames(Guid ClientId, DateOnly DateOfBirth);
