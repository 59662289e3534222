using Practice.Domain.Charting;
using Practice.Domain.Staff;
using Practice.EventStore;
using Practice.Projections.ClientTimeline;
using static Practice.Projections.Tests.ClinicHistory;

namespace Practice.Projections.Tests;

public sealed class ClientTimelineTests(ViewsFixture fixture) : IClassFixture<ViewsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    /// <summary>A client's first treatment, then a second booking cancelled late: thirteen timeline entries.</summary>
    internal static async Task<Guid> TreatedThenCancelledLateAsync(ClinicHistory clinic)
    {
        await clinic.OpenAsync("Anna Berg", WeekdaysNineToFive, Local(2026, 11, 1, 9));
        var clientId = await clinic.RegisterClientAsync("Mia Roth", Local(2026, 11, 1, 9));

        var first = await clinic.BookAsync(clientId, Modality.DeepTissue, Local(2026, 11, 23, 10), 60, now: Local(2026, 11, 20, 12));
        await clinic.TreatAsync(first, clientId, Modality.DeepTissue, startedAt: Local(2026, 11, 23, 10), completedAt: Local(2026, 11, 23, 10, 55),
            clinic.Pain(first, clientId, PainPhase.Before, 6, Local(2026, 11, 23, 10, 1)),
            new TriggerPointFound(first, Guid.CreateVersion7(), clientId, clinic.TherapistId, "upper trapezius", BodySide.Left,
                TriggerPointActivity.Active, TautBand: true, LocalTwitchResponse: false, "temple", null, Local(2026, 11, 23, 10, 5)),
            clinic.Technique(first, clientId, "ischemic compression", pressure: 4, seconds: 90, Local(2026, 11, 23, 10, 10)),
            clinic.Pain(first, clientId, PainPhase.After, 3, Local(2026, 11, 23, 10, 50)));

        var second = await clinic.BookAsync(clientId, Modality.Swedish, Local(2026, 11, 30, 10), 60, now: Local(2026, 11, 24, 12));
        await clinic.CancelAsync(second, clientId, Local(2026, 11, 30, 10), "Flu, 100% in bed", late: true, feePercent: 50, waiver: null,
            now: Local(2026, 11, 29, 18));
        return clientId;
    }

    private static readonly string[] ExpectedSummaries =
    [
        "Cancelled 2026-11-30 10:00 by the client inside the late window: fee 50 %; reason: Flu, 100% in bed",
        "Booked Swedish massage with Anna Berg for 2026-11-30 10:00 (60 min)",
        "SOAP note signed",
        "Appointment fulfilled",
        "Session completed; SOAP note due by 2026-11-26 10:55",
        "Pain after session: 3/10",
        "Technique applied: ischemic compression (trigger point therapy), pressure 4/5 for 90 s",
        "Trigger point found: upper trapezius, left, active, referred to temple, taut band",
        "Pain before session: 6/10",
        "Session started: deep tissue massage with Anna Berg",
        "Checked in",
        "Booked deep tissue massage with Anna Berg for 2026-11-23 10:00 (60 min)",
        "Consent granted for treatment (written)",
        "Registered as a client: Mia Roth",
    ];

    [Fact]
    public async Task The_timeline_lists_every_fact_about_the_client_newest_first_in_plain_english()
    {
        var clinic = new ClinicHistory(_store, "timeline-a");
        var clientId = await TreatedThenCancelledLateAsync(clinic);
        await CatchUpAsync(_store);

        var page = await ClientTimelineQueries.GetPageAsync(_store.DataSource, _store.Schema, clinic.TenantId, clientId, pageSize: 50);

        Assert.Equal(ExpectedSummaries, page.Entries.Select(e => e.Summary));
        Assert.Null(page.NextCursor);
        var cancelled = page.Entries[0];
        Assert.Equal("appointment-cancelled", cancelled.Type);
        Assert.Equal(Local(2026, 11, 29, 18), cancelled.OccurredAt);
        Assert.Equal(50, cancelled.Data.GetProperty("feePercent").GetInt32());
        Assert.False(cancelled.Clinical);
        Assert.Equal(
            ["soap-note-signed", "pain-recorded", "technique-applied", "trigger-point-found", "pain-recorded"],
            page.Entries.Where(e => e.Clinical).Select(e => e.Type));
        Assert.Equal(page.Entries.Count, page.Entries.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Paging_with_the_cursor_walks_the_whole_timeline_without_gaps_or_repeats()
    {
        var clinic = new ClinicHistory(_store, "timeline-b");
        var clientId = await TreatedThenCancelledLateAsync(clinic);
        await CatchUpAsync(_store);

        var pages = new List<ClientTimelinePage>();
        string? cursor = null;
        do
        {
            var page = await ClientTimelineQueries.GetPageAsync(_store.DataSource, _store.Schema, clinic.TenantId, clientId, pageSize: 5, cursor);
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([5, 5, 4], pages.Select(p => p.Entries.Count));
        Assert.Equal(ExpectedSummaries, pages.SelectMany(p => p.Entries).Select(e => e.Summary));
    }

    [Fact]
    public async Task Front_desk_pages_leave_clinical_entries_out_and_stay_full()
    {
        var clinic = new ClinicHistory(_store, "timeline-c");
        var clientId = await TreatedThenCancelledLateAsync(clinic);
        await CatchUpAsync(_store);

        var first = await ClientTimelineQueries.GetPageAsync(
            _store.DataSource, _store.Schema, clinic.TenantId, clientId, pageSize: 6, includeClinical: false);
        var rest = await ClientTimelineQueries.GetPageAsync(
            _store.DataSource, _store.Schema, clinic.TenantId, clientId, pageSize: 6, first.NextCursor, includeClinical: false);

        Assert.Equal(6, first.Entries.Count);
        Assert.Null(rest.NextCursor);
        var shown = first.Entries.Concat(rest.Entries).ToList();
        Assert.DoesNotContain(shown, e => e.Clinical);
        Assert.Equal(
            ExpectedSummaries.Except(["SOAP note signed", "Pain after session: 3/10", "Pain before session: 6/10",
                "Technique applied: ischemic compression (trigger point therapy), pressure 4/5 for 90 s",
                "Trigger point found: upper trapezius, left, active, referred to temple, taut band"]),
            shown.Select(e => e.Summary));
    }

    [Fact]
    public async Task Another_tenant_sees_nothing_of_the_client()
    {
        var clinic = new ClinicHistory(_store, "timeline-d");
        var clientId = await TreatedThenCancelledLateAsync(clinic);
        var otherClinic = new ClinicHistory(_store, "timeline-e");
        var otherClientId = await TreatedThenCancelledLateAsync(otherClinic);
        await CatchUpAsync(_store);

        var fromOtherTenant = await ClientTimelineQueries.GetPageAsync(_store.DataSource, _store.Schema, otherClinic.TenantId, clientId, 50);
        var ownClientOfOtherTenant = await ClientTimelineQueries.GetPageAsync(_store.DataSource, _store.Schema, clinic.TenantId, otherClientId, 50);
        var own = await ClientTimelineQueries.GetPageAsync(_store.DataSource, _store.Schema, clinic.TenantId, clientId, 50);

        Assert.Empty(fromOtherTenant.Entries);
        Assert.Empty(ownClientOfOtherTenant.Entries);
        Assert.Equal(ExpectedSummaries.Length, own.Entries.Count);
    }

    [Theory]
    [InlineData("not a cursor")]
    [InlineData("MTIz")]
    public async Task A_cursor_the_timeline_did_not_hand_out_is_refused(string cursor)
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            ClientTimelineQueries.GetPageAsync(_store.DataSource, _store.Schema, "timeline-f", Guid.CreateVersion7(), 10, cursor));
        Assert.Equal("cursor", refused.ParamName);
    }
}
