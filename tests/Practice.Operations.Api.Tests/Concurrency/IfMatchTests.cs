using System.Net;
using System.Net.Http.Json;
using Practice.Operations.Api.Tests.Charting;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Concurrency;

public sealed class IfMatchTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Guid AppointmentId, HttpClient FrontDesk)> BookAsync()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, await api.BookAsync(tenant, clinic, api.Tomorrow(10)), api.As(tenant, Roles.FrontDesk));
    }

    private static async Task<string> ETagAsync(HttpClient client, Guid appointmentId) =>
        (await client.GetAsync($"/api/appointments/{appointmentId}").ShouldBe(HttpStatusCode.OK)).Headers.ETag!.Tag;

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string? ifMatch, object? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body ?? new { }, options: OperationsApi.Json) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_write_held_to_the_version_it_read_goes_through_and_answers_the_next_version()
    {
        var (_, id, frontDesk) = await BookAsync();
        var read = await ETagAsync(frontDesk, id);

        var confirmed = await PostAsync(frontDesk, $"/api/appointments/{id}/confirm", read).ShouldBe(HttpStatusCode.OK);

        Assert.NotEqual(read, confirmed.Headers.ETag!.Tag);
        Assert.Equal(confirmed.Headers.ETag.Tag, await ETagAsync(frontDesk, id));
    }

    [Fact]
    public async Task A_write_held_to_a_version_someone_else_has_moved_past_is_412_and_changes_nothing()
    {
        var (tenant, id, frontDesk) = await BookAsync();
        var stale = await ETagAsync(frontDesk, id);
        await frontDesk.PostJsonAsync($"/api/appointments/{id}/confirm").ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await PostAsync(frontDesk, $"/api/appointments/{id}/cancel", stale, new { cancelledBy = "clinic", reason = "therapist ill" })
            .ShouldBeProblem(HttpStatusCode.PreconditionFailed, field: "If-Match", code: "version-mismatch");

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal("booked", (await api.AppointmentAsync(tenant, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Of_two_writers_holding_the_same_version_at_once_exactly_one_goes_through()
    {
        var (tenant, id, frontDesk) = await BookAsync();
        var read = await ETagAsync(frontDesk, id);
        var desks = Enumerable.Range(0, 8).Select(_ => api.As(tenant, Roles.FrontDesk)).ToList();

        var answers = await Task.WhenAll(desks.Select(desk => PostAsync(desk, $"/api/appointments/{id}/check-in", read)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.PreconditionFailed, a.StatusCode));
    }

    [Fact]
    public async Task A_star_any_version_or_no_If_Match_is_not_held_to_a_version()
    {
        var (_, id, frontDesk) = await BookAsync();

        await PostAsync(frontDesk, $"/api/appointments/{id}/confirm", "*").ShouldBe(HttpStatusCode.OK);
        await PostAsync(frontDesk, $"/api/appointments/{id}/check-in", null).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_If_Match_that_is_not_one_of_this_APIs_ETags_is_a_400_and_changes_nothing()
    {
        var (_, id, frontDesk) = await BookAsync();
        var before = await api.CountEventsAsync();

        foreach (var malformed in new[] { "3", "W/\"1\"", "\"1\", \"2\"", "\"abc\"", "\"-1\"" })
        {
            await PostAsync(frontDesk, $"/api/appointments/{id}/confirm", malformed).ShouldBeProblem(HttpStatusCode.BadRequest, code: "invalid-if-match");
        }

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task The_same_Idempotency_Key_held_to_another_version_is_another_request()
    {
        var (_, id, frontDesk) = await BookAsync();
        var read = await ETagAsync(frontDesk, id);
        var key = Guid.NewGuid().ToString();
        using var first = new HttpRequestMessage(HttpMethod.Post, $"/api/appointments/{id}/confirm") { Content = JsonContent.Create(new { }) };
        first.Headers.Add("Idempotency-Key", key);
        first.Headers.TryAddWithoutValidation("If-Match", read);
        await frontDesk.SendAsync(first).ShouldBe(HttpStatusCode.OK);

        using var second = new HttpRequestMessage(HttpMethod.Post, $"/api/appointments/{id}/confirm") { Content = JsonContent.Create(new { }) };
        second.Headers.Add("Idempotency-Key", key);
        second.Headers.TryAddWithoutValidation("If-Match", "\"99\"");
        await frontDesk.SendAsync(second).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "idempotency");
    }

    [Fact]
    public async Task An_If_Match_of_0_holds_a_command_to_a_stream_that_does_not_exist_yet()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var appointment = await api.BookAndCheckInAsync(tenant, await api.ArrangeClinicAsync(tenant));
        var start = appointment.Url("/start");

        // The session stream is not there yet: a version it never had fails, "0" goes through once.
        await PostAsync(appointment.Therapist, start, "\"7\"").ShouldBeProblem(HttpStatusCode.PreconditionFailed, code: "version-mismatch");
        var started = await PostAsync(appointment.Therapist, start, "\"0\"").ShouldBe(HttpStatusCode.OK);
        await PostAsync(appointment.Therapist, start, "\"0\"").ShouldBeProblem(HttpStatusCode.PreconditionFailed, code: "version-mismatch");
        Assert.Equal("\"1\"", started.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task An_If_Match_on_an_appointment_that_does_not_exist_is_still_a_404()
    {
        var (_, _, frontDesk) = await BookAsync();

        await PostAsync(frontDesk, $"/api/appointments/{Guid.NewGuid()}/confirm", "\"1\"").ShouldBeProblem(HttpStatusCode.NotFound);
    }
}
