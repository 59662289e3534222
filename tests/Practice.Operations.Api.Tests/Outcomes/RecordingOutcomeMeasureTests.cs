using System.Net;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Outcomes;

public sealed class RecordingOutcomeMeasureTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Guid ClientId, HttpClient Therapist)> ArrangeAsync()
    {
        var tenant = ClinicArrangement.NewTenant();
        var therapistId = await api.ArrangeTherapistAsync(tenant);
        var clientId = await api.ArrangeClientAsync(tenant);
        return (tenant, clientId, api.As(tenant, Roles.Therapist, therapistId));
    }

    /// <summary>A clinic whose client has a visit booked tomorrow with the clinic's therapist.</summary>
    private async Task<(string Tenant, Clinic Clinic, HttpClient Therapist, Guid AppointmentId)> ArrangeBookedAsync()
    {
        var tenant = ClinicArrangement.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, clinic, api.As(tenant, Roles.Therapist, clinic.TherapistId), await api.BookAsync(tenant, clinic, api.Tomorrow(10)));
    }

    [Fact]
    public async Task Therapist_records_an_nprs_score_and_the_care_record_lists_it()
    {
        var (_, clientId, therapist) = await ArrangeAsync();

        var response = await therapist.PostJsonAsync($"/api/clients/{clientId}/outcome-measures", new { instrument = "nprs", score = 6 }).ShouldBe(HttpStatusCode.Created);

        var measureId = (await response.ReadJsonAsync()).GetProperty("measureId").GetGuid();
        var care = await (await therapist.GetAsync($"/api/clients/{clientId}/care").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal([measureId], care.GetProperty("measureIds").EnumerateArray().Select(m => m.GetGuid()));
    }

    [Fact]
    public async Task A_measure_links_only_to_an_appointment_of_its_own_client()
    {
        var (tenant, clinic, therapist, appointmentId) = await ArrangeBookedAsync();
        var otherClientId = await api.ArrangeClientAsync(tenant);
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync($"/api/clients/{otherClientId}/outcome-measures", new { instrument = "ndi", score = 40, appointmentId })
            .ShouldBeProblem(HttpStatusCode.NotFound, "appointmentId", "appointment-not-found");
        await therapist.PostJsonAsync($"/api/clients/{clinic.ClientId}/outcome-measures", new { instrument = "ndi", score = 40, appointmentId = Guid.NewGuid() })
            .ShouldBeProblem(HttpStatusCode.NotFound, "appointmentId", "appointment-not-found");
        Assert.Equal(before, await api.CountEventsAsync());

        await therapist.PostJsonAsync($"/api/clients/{clinic.ClientId}/outcome-measures", new { instrument = "ndi", score = 40, appointmentId })
            .ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_measure_is_not_linked_to_a_cancelled_visit()
    {
        var (tenant, clinic, therapist, appointmentId) = await ArrangeBookedAsync();
        await api.CancelAsync(tenant, appointmentId).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync($"/api/clients/{clinic.ClientId}/outcome-measures", new { instrument = "ndi", score = 40, appointmentId })
            .ShouldBeProblem(HttpStatusCode.Conflict, "appointmentId", "status-conflict");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    // Recording reads the appointment but writes the client's care record: a cancellation committed between the two
    // must not let a measure linked to that visit in after it.
    [Fact]
    public async Task No_measure_is_linked_to_a_visit_after_a_cancellation_that_raced_it()
    {
        var (tenant, clinic, therapist, appointmentId) = await ArrangeBookedAsync();
        using var gate = new SemaphoreSlim(0);
        async Task<HttpResponseMessage> After(Func<Task<HttpResponseMessage>> send)
        {
            await gate.WaitAsync();
            return await send();
        }
        var measures = Enumerable.Range(0, 24).Select(i => Task.Run(() => After(() =>
            therapist.PostJsonAsync($"/api/clients/{clinic.ClientId}/outcome-measures", new { instrument = "ndi", score = i, appointmentId })))).ToList();
        var cancellation = Task.Run(() => After(() => api.CancelAsync(tenant, appointmentId)));
        gate.Release(25);

        await cancellation.ShouldBe(HttpStatusCode.OK);
        var answers = await Task.WhenAll(measures);
        Assert.All(answers, answer => Assert.Contains(answer.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));

        var order = await api.EventTypesInCommitOrderAsync(tenant);
        var cancelled = order.IndexOf("appointment-cancelled");
        Assert.True(cancelled >= 0);
        Assert.DoesNotContain("outcome-measure-completed", order.Skip(cancelled));
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.Created), order.Count(type => type == "outcome-measure-completed"));
    }

    [Fact]
    public async Task Out_of_range_and_fractional_scores_are_422s_naming_score()
    {
        var (_, clientId, therapist) = await ArrangeAsync();
        var before = await api.CountEventsAsync();

        await therapist.PostJsonAsync($"/api/clients/{clientId}/outcome-measures", new { instrument = "nprs", score = 11 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "score", "out-of-range");
        await therapist.PostJsonAsync($"/api/clients/{clientId}/outcome-measures", new { instrument = "pgic", score = 0 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "score", "out-of-range");
        await therapist.PostJsonAsync($"/api/clients/{clientId}/outcome-measures", new { instrument = "nprs", score = 4.5m })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "score", "invalid-value");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Malformed_json_a_string_score_an_unknown_instrument_and_a_missing_score_are_400s()
    {
        var (_, clientId, therapist) = await ArrangeAsync();
        var url = $"/api/clients/{clientId}/outcome-measures";
        var before = await api.CountEventsAsync();

        await therapist.PostRawAsync(url, "{\"instrument\": \"nprs\", \"score\": }").ShouldBeProblem(HttpStatusCode.BadRequest, code: "malformed-json");
        await therapist.PostRawAsync(url, """{"instrument": "nprs", "score": "six"}""").ShouldBeProblem(HttpStatusCode.BadRequest, "score");
        await therapist.PostRawAsync(url, """{"instrument": "vas", "score": 6}""").ShouldBeProblem(HttpStatusCode.BadRequest, "instrument");
        await therapist.PostRawAsync(url, """{"instrument": "nprs"}""").ShouldBeProblem(HttpStatusCode.BadRequest);
        await therapist.PostJsonAsync(url, new { instrument = "nprs", score = 6, appointmentId = Guid.Empty }).ShouldBeProblem(HttpStatusCode.BadRequest, "appointmentId");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Front_desk_cannot_record_and_another_tenant_cannot_see_the_client()
    {
        var (tenant, clientId, _) = await ArrangeAsync();
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.FrontDesk).PostJsonAsync($"/api/clients/{clientId}/outcome-measures", new { instrument = "nprs", score = 3 })
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        await api.CreateClient().PostJsonAsync($"/api/clients/{clientId}/outcome-measures", new { instrument = "nprs", score = 3 })
            .ShouldBeProblem(HttpStatusCode.Unauthorized);
        await api.As(ClinicArrangement.NewTenant(), Roles.Therapist).PostJsonAsync($"/api/clients/{clientId}/outcome-measures", new { instrument = "nprs", score = 3 })
            .ShouldBeProblem(HttpStatusCode.NotFound, "clientId", "client-not-found");
        await api.As(ClinicArrangement.NewTenant(), Roles.Manager).GetAsync($"/api/clients/{clientId}/care")
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "client-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
