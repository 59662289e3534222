using System.Net;
using System.Net.Http.Json;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Idempotency;

public sealed class IdempotencyKeyTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = JsonContent.Create(body, options: OperationsApi.Json) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private async Task<(Clinic Clinic, HttpClient FrontDesk)> ArrangeAsync()
    {
        var tenant = Bookings.NewTenant();
        return (await api.ArrangeClinicAsync(tenant), api.As(tenant, Roles.FrontDesk));
    }

    [Fact]
    public async Task The_same_key_and_body_replays_the_first_answer_without_booking_twice()
    {
        var (clinic, frontDesk) = await ArrangeAsync();
        var key = Guid.NewGuid().ToString();
        var body = Bookings.Request(clinic, api.Tomorrow(10));
        var before = await api.CountEventsAsync();

        var first = await PostWithKeyAsync(frontDesk, key, body).ShouldBe(HttpStatusCode.Created);
        var afterFirst = await api.CountEventsAsync();
        var second = await PostWithKeyAsync(frontDesk, key, body).ShouldBe(HttpStatusCode.Created);

        Assert.True(afterFirst > before);
        Assert.Equal(afterFirst, await api.CountEventsAsync());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused()
    {
        var (clinic, frontDesk) = await ArrangeAsync();
        var key = Guid.NewGuid().ToString();
        await PostWithKeyAsync(frontDesk, key, Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Created);
        var before = await api.CountEventsAsync();

        await PostWithKeyAsync(frontDesk, key, Bookings.Request(clinic, api.Tomorrow(14))).ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "idempotency");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Without_a_key_the_same_body_books_again_and_is_refused_as_a_double_booking()
    {
        var (clinic, frontDesk) = await ArrangeAsync();
        var body = Bookings.Request(clinic, api.Tomorrow(10));
        await frontDesk.PostJsonAsync("/api/appointments", body).ShouldBe(HttpStatusCode.Created);

        // Shows the replay above is the key's doing: a plain retry reaches the domain.
        await frontDesk.PostJsonAsync("/api/appointments", body).ShouldBeProblem(HttpStatusCode.Conflict, code: "double-booking");
    }
}
