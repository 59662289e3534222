using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Charting;

public sealed class DryNeedlingTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    /// <summary>A checked-in dry-needling appointment with the clinic's credentialled therapist; the client has only treatment consent.</summary>
    private async Task<CheckedInAppointment> DryNeedlingAppointmentAsync()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        return await api.BookAndCheckInAsync(tenant, await api.ArrangeClinicAsync(tenant), "dry-needling");
    }

    /// <summary>
    /// A second therapist like the clinic's (same location, hours and modalities) whose CA-ON dry-needling credential expires on
    /// <paramref name="expiresOn"/>.
    /// </summary>
    private async Task<Guid> ArrangeSecondTherapistAsync(string tenant, Clinic clinic, DateOnly expiresOn)
    {
        var manager = api.As(tenant, Roles.Manager);
        var registered = await manager.PostJsonAsync("/api/therapists", new { name = "Nora Needler", locationIds = new[] { clinic.LocationId } }).ShouldBe(HttpStatusCode.Created);
        var therapistId = (await registered.ReadJsonAsync()).GetProperty("therapistId").GetGuid();
        await manager.PutJsonAsync($"/api/therapists/{therapistId}/modalities", new { modalities = new[] { "deep-tissue", "dry-needling" } }).ShouldBe(HttpStatusCode.OK);
        await manager.PutJsonAsync($"/api/therapists/{therapistId}/working-hours", new { hours = ClinicArrangement.EveryDay() }).ShouldBe(HttpStatusCode.OK);
        await manager.PostJsonAsync($"/api/therapists/{therapistId}/credentials",
            new { kind = "dry-needling", jurisdiction = "CA-ON", number = "DN-67890", expiresOn }).ShouldBe(HttpStatusCode.Created);
        return therapistId;
    }

    private static DateOnly SessionDay(OperationsApi api) => DateOnly.FromDateTime(api.Tomorrow(10).UtcDateTime);

    [Fact]
    public async Task Starting_without_dry_needling_consent_is_refused()
    {
        var appointment = await DryNeedlingAppointmentAsync();
        var before = await api.CountEventsAsync();

        // Treatment consent alone does not cover needling.
        await appointment.StartAsync().ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "consent-required");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Starting_with_only_verbal_dry_needling_consent_is_refused()
    {
        var appointment = await DryNeedlingAppointmentAsync();
        await appointment.GrantConsentAsync("dry-needling", written: false).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await appointment.StartAsync().ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "written-consent-required");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData("anticoagulants")]
    [InlineData("needle-phobia")]
    [InlineData("bleeding-disorder")]
    public async Task Starting_with_written_consent_but_a_needling_contraindication_is_refused(string contraindication)
    {
        var appointment = await DryNeedlingAppointmentAsync();
        await appointment.GrantConsentAsync("dry-needling", written: true).ShouldBe(HttpStatusCode.OK);
        await appointment.RecordIntakeAsync(contraindication).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        // Written consent does not outweigh a bleeding or needle risk.
        await appointment.StartAsync().ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "contraindicated");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Starting_with_written_consent_and_no_contraindication_succeeds()
    {
        var appointment = await DryNeedlingAppointmentAsync();
        await appointment.GrantConsentAsync("dry-needling", written: true).ShouldBe(HttpStatusCode.OK);
        // An intake with nothing that rules needling out, so the check has something to read.
        await appointment.RecordIntakeAsync().ShouldBe(HttpStatusCode.OK);

        await appointment.StartAsync().ShouldBe(HttpStatusCode.OK);

        var session = await (await appointment.Therapist.GetAsync(appointment.Url()).ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal("dry-needling", session.GetProperty("modality").GetString());
    }

    [Fact]
    public async Task A_therapist_whose_credential_expired_before_the_session_day_cannot_be_booked_for_dry_needling()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        // Still valid today, lapsed by the day of the session: it is the session's day that counts.
        var lapsed = await ArrangeSecondTherapistAsync(tenant, clinic, SessionDay(api).AddDays(-1));
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/appointments", Bookings.Request(clinic with { TherapistId = lapsed }, api.Tomorrow(10), modality: "dry-needling"))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "therapistId", "credential-required");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_credential_expiring_on_the_session_day_still_covers_it()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        // The same arrangement as the refusal above, one day later: the refusal is the expiry date's doing alone.
        var coveredToday = await ArrangeSecondTherapistAsync(tenant, clinic, SessionDay(api));

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync("/api/appointments", Bookings.Request(clinic with { TherapistId = coveredToday }, api.Tomorrow(10), modality: "dry-needling"))
            .ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_therapist_with_a_lapsed_credential_cannot_needle_inside_a_session_of_another_modality()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        var lapsed = await ArrangeSecondTherapistAsync(tenant, clinic, SessionDay(api).AddDays(-1));
        var appointment = await api.BookAndCheckInAsync(tenant, clinic, "deep-tissue", lapsed);
        // Written consent, so the only thing missing is the credential; the session runs on its own day, after the credential lapsed.
        await appointment.GrantConsentAsync("dry-needling", written: true).ShouldBe(HttpStatusCode.OK);
        api.Clock.Set(api.Tomorrow(10));
        await appointment.StartAsync().ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await appointment.Therapist.PostJsonAsync(appointment.Url("/techniques"), new { modality = "dry-needling", technique = "deep dry needling", pressure = 3, seconds = 30 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "therapistId", "credential-required");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_credentialled_therapist_with_written_consent_may_needle_inside_a_session_of_another_modality()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var appointment = await api.BookAndCheckInAsync(tenant, await api.ArrangeClinicAsync(tenant), "deep-tissue");
        await appointment.GrantConsentAsync("dry-needling", written: true).ShouldBe(HttpStatusCode.OK);
        api.Clock.Set(api.Tomorrow(10));
        await appointment.StartAsync().ShouldBe(HttpStatusCode.OK);

        // The counterpart of the refusal above: the same request is accepted when the credential is valid.
        await appointment.Therapist.PostJsonAsync(appointment.Url("/techniques"), new { modality = "dry-needling", technique = "deep dry needling", pressure = 3, seconds = 30 })
            .ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("trigger-point-therapy", "Dry needling")]
    [InlineData("deep-tissue", "deep NEEDLING of the trapezius")]
    public async Task Needling_charted_under_another_modality_is_refused_naming_modality(string modality, string technique)
    {
        // No dry-needling consent: under its own modality this would be refused for that; under another it would pass unchecked.
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), new { modality, technique, pressure = 3, seconds = 30 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "modality", "invalid-value");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    // Needling's bleeding must be counted against needling, not against the massage the visit was booked as.
    [Fact]
    public async Task An_adverse_event_in_a_session_of_two_modalities_names_the_one_it_followed()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var appointment = await api.BookAndCheckInAsync(tenant, await api.ArrangeClinicAsync(tenant), "deep-tissue");
        await appointment.GrantConsentAsync("dry-needling", written: true).ShouldBe(HttpStatusCode.OK);
        api.Clock.Set(api.Tomorrow(10));
        await appointment.StartAsync().ShouldBe(HttpStatusCode.OK);
        await appointment.Therapist.PostJsonAsync(appointment.Url("/techniques"), new { modality = "deep-tissue", technique = "stripping", pressure = 3, seconds = 60 }).ShouldBe(HttpStatusCode.OK);
        await appointment.Therapist.PostJsonAsync(appointment.Url("/techniques"), new { modality = "dry-needling", technique = "deep dry needling", pressure = 3, seconds = 30 }).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await appointment.Therapist.PostJsonAsync(appointment.Url("/adverse-events"), new { kind = "bleeding", severity = "mild" })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "modality", "invalid-value");
        await appointment.Therapist.PostJsonAsync(appointment.Url("/adverse-events"), new { kind = "bleeding", severity = "mild", modality = "swedish" })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "modality", "invalid-value");
        Assert.Equal(before, await api.CountEventsAsync());

        await appointment.Therapist.PostJsonAsync(appointment.Url("/adverse-events"), new { kind = "bleeding", severity = "mild", modality = "dry-needling" }).ShouldBe(HttpStatusCode.OK);
        await using var session = api.Store.OpenSession(tenant);
        var recorded = (await session.FetchStreamAsync($"treatment-session-{appointment.AppointmentId}")).Select(e => e.Data).OfType<Practice.Domain.Charting.AdverseEventRecorded>().Single();
        Assert.Equal(Practice.Domain.Staff.Modality.DryNeedling, recorded.Modality);
    }
}
