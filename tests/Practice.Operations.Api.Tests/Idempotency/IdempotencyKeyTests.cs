using System.Net;
using System.Net.Http.Json;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.Operations.Api.Tests.Scheduling;
using Practice.Messaging;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Idempotency;

public sealed class IdempotencyKeyTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, object body, string url = "/api/appointments")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: OperationsApi.Json) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>A front desk of a fresh tenant about to register a client under a fresh key.</summary>
    private (string Tenant, HttpClient FrontDesk, string Key, object Body) NewRegistration()
    {
        var tenant = ClinicArrangement.NewTenant();
        return (tenant, api.As(tenant, Roles.FrontDesk), Guid.NewGuid().ToString(), ClinicArrangement.ClientRequest());
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
        Assert.NotNull(first.Headers.ETag);
        Assert.NotNull(first.Headers.Location);
        Assert.Equal((first.Headers.ETag, first.Headers.Location), (second.Headers.ETag, second.Headers.Location));
    }

    // curl -d sends a form Content-Type: the 415 says to send JSON, and the corrected retry, same key and body, must run.
    [Fact]
    public async Task A_415_leaves_the_key_free_for_the_same_body_sent_as_json()
    {
        var (_, frontDesk, key, body) = NewRegistration();
        var json = System.Text.Json.JsonSerializer.Serialize(body, OperationsApi.Json);
        using var form = new HttpRequestMessage(HttpMethod.Post, "/api/clients")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        form.Headers.Add("Idempotency-Key", key);
        await frontDesk.SendAsync(form).ShouldBeProblem(HttpStatusCode.UnsupportedMediaType, code: "unsupported-media-type");
        var before = await api.CountEventsAsync();

        var retried = await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created);

        Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
        Assert.True(await api.CountEventsAsync() > before);
    }

    // The first answer's problem details are written outside the key's record; the replay must get them too.
    [Fact]
    public async Task A_replayed_answer_without_a_body_still_comes_as_problem_details()
    {
        var (_, frontDesk, key, body) = NewRegistration();

        await PostWithKeyAsync(frontDesk, key, body, "/api/no-such-resource").ShouldBeProblem(HttpStatusCode.NotFound);
        using var replayed = await PostWithKeyAsync(frontDesk, key, body, "/api/no-such-resource");

        Assert.True(replayed.Headers.Contains("Idempotent-Replayed"));
        await Task.FromResult(replayed).ShouldBeProblem(HttpStatusCode.NotFound);
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
    public async Task A_key_belongs_to_its_caller_so_two_callers_of_one_clinic_never_meet_each_others_keys()
    {
        var (tenant, frontDesk, key, _) = NewRegistration();
        var manager = api.As(tenant, Roles.Manager);
        var sameFrontDeskElsewhere = api.As(tenant, Roles.FrontDesk);

        var byFrontDesk = await (await PostWithKeyAsync(frontDesk, key, ClinicArrangement.ClientRequest("Ada Front"), "/api/clients").ShouldBe(HttpStatusCode.Created)).ReadJsonAsync();
        var byManager = await (await PostWithKeyAsync(manager, key, ClinicArrangement.ClientRequest("Bo Manager"), "/api/clients").ShouldBe(HttpStatusCode.Created)).ReadJsonAsync();
        var replayed = await PostWithKeyAsync(sameFrontDeskElsewhere, key, ClinicArrangement.ClientRequest("Ada Front"), "/api/clients").ShouldBe(HttpStatusCode.Created);

        Assert.NotEqual(byFrontDesk.GetProperty("clientId").GetGuid(), byManager.GetProperty("clientId").GetGuid());
        Assert.True(replayed.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(byFrontDesk.GetProperty("clientId").GetGuid(), (await replayed.ReadJsonAsync()).GetProperty("clientId").GetGuid());
        Assert.Equal(2, await api.CountStreamsAsync(tenant));
    }

    [Fact]
    public async Task A_key_stored_by_a_version_that_scoped_keys_to_the_clinic_still_answers_its_retry()
    {
        var (tenant, frontDesk, key, body) = NewRegistration();
        var first = await (await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created)).ReadJsonAsync();
        var registered = await api.CountEventsAsync();
        // What that version left: the same row under the bare key, as a retry across the upgrade finds it.
        await using (var legacy = api.Store.DataSource.CreateCommand($"UPDATE {api.Schema}.idempotency_keys SET key = $3 WHERE tenant_id = $1 AND key = $2"))
        {
            legacy.Parameters.AddWithValue(tenant);
            legacy.Parameters.AddWithValue(Stored(tenant, key));
            legacy.Parameters.AddWithValue(key);
            Assert.Equal(1, await legacy.ExecuteNonQueryAsync());
        }

        var retried = await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created);

        Assert.True(retried.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.GetProperty("clientId").GetGuid(), (await retried.ReadJsonAsync()).GetProperty("clientId").GetGuid());
        Assert.Equal(registered, await api.CountEventsAsync());
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

    /// <summary>How the front desk's key is stored: under the token's subject.</summary>
    private static string Stored(string tenant, string key) => IdempotencyMiddleware.StoredKey($"{Roles.FrontDesk}@{tenant}", key);

    /// <summary>What a process that died after the command's commit, before it stored the answer, leaves behind.</summary>
    private async Task LoseTheAnswerAsync(string tenant, string key, TimeSpan age, bool committed)
    {
        await using var command = api.Store.DataSource.CreateCommand($"""
            UPDATE {api.Schema}.idempotency_keys
               SET status_code = NULL, content_type = NULL, response = NULL, created_at = now() - $3,
                   committed_at = CASE WHEN $4 THEN committed_at END
             WHERE tenant_id = $1 AND key = $2 AND committed_at IS NOT NULL
            """);
        command.Parameters.AddWithValue(tenant);
        command.Parameters.AddWithValue(Stored(tenant, key));
        command.Parameters.AddWithValue(age);
        command.Parameters.AddWithValue(committed);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_request_that_committed_but_lost_its_answer_is_never_run_again()
    {
        var (tenant, frontDesk, key, body) = NewRegistration();
        await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created);
        var registered = await api.CountEventsAsync();

        await LoseTheAnswerAsync(tenant, key, TimeSpan.Zero, committed: true);
        await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBeProblem(HttpStatusCode.Conflict, code: "idempotency");
        await LoseTheAnswerAsync(tenant, key, TimeSpan.FromMinutes(3), committed: true);
        await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBeProblem(HttpStatusCode.Conflict, code: "idempotency-answer-lost");

        Assert.Equal(registered, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_request_that_died_before_committing_is_run_by_a_retry_once_its_reservation_is_abandoned()
    {
        var (tenant, frontDesk, key, body) = NewRegistration();
        var first = await (await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created)).ReadJsonAsync();
        var registered = await api.CountEventsAsync();

        await LoseTheAnswerAsync(tenant, key, TimeSpan.FromMinutes(3), committed: false);
        var retried = await (await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created)).ReadJsonAsync();

        Assert.NotEqual(first.GetProperty("clientId").GetGuid(), retried.GetProperty("clientId").GetGuid());
        Assert.True(await api.CountEventsAsync() > registered);
    }

    // Taking an abandoned reservation over is for the retry of that request, not for another request under its key.
    [Fact]
    public async Task An_abandoned_reservation_is_not_taken_over_by_another_body_under_its_key()
    {
        var (tenant, frontDesk, key, body) = NewRegistration();
        await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created);
        await LoseTheAnswerAsync(tenant, key, TimeSpan.FromMinutes(3), committed: false);
        var before = await api.CountEventsAsync();

        await PostWithKeyAsync(frontDesk, key, ClinicArrangement.ClientRequest(name: "Someone Else"), "/api/clients").ShouldBeProblem(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(before, await api.CountEventsAsync());
        await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_request_taken_over_by_a_retry_after_it_ran_too_long_does_not_commit_beside_the_retry()
    {
        var (tenant, frontDesk, key, body) = NewRegistration();
        var before = await api.CountEventsAsync();

        await using var hold = await AppendHold.TakeAsync(api);
        var slow = PostWithKeyAsync(frontDesk, key, body, "/api/clients");
        await hold.WaitForStalledAsync(1);
        await using (var age = api.Store.DataSource.CreateCommand($"UPDATE {api.Schema}.idempotency_keys SET created_at = now() - interval '3 minutes' WHERE tenant_id = $1 AND key = $2"))
        {
            age.Parameters.AddWithValue(tenant);
            age.Parameters.AddWithValue(Stored(tenant, key));
            Assert.Equal(1, await age.ExecuteNonQueryAsync());
        }
        var retry = PostWithKeyAsync(frontDesk, key, body, "/api/clients");
        await hold.WaitForStalledAsync(2);
        await hold.DisposeAsync();

        await slow.ShouldBeProblem(HttpStatusCode.Conflict, code: "idempotency");
        var created = await retry.ShouldBe(HttpStatusCode.Created);
        var registeredOnce = await api.CountEventsAsync() - before;
        var replayed = await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created);

        Assert.Equal(await created.Content.ReadAsStringAsync(), await replayed.Content.ReadAsStringAsync());
        Assert.Equal(registeredOnce, await api.CountEventsAsync() - before);
        Assert.Equal(1L, await api.CountStreamsAsync(tenant));
    }

    [Fact]
    public async Task Many_identical_requests_at_once_run_once_and_the_others_wait_or_replay()
    {
        var (tenant, frontDesk, key, body) = NewRegistration();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PostWithKeyAsync(frontDesk, key, body, "/api/clients")));

        var created = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToList();
        Assert.Single(created, a => !a.Headers.Contains("Idempotent-Replayed"));
        foreach (var waiting in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            var problem = await Task.FromResult(waiting).ShouldBeProblem(HttpStatusCode.Conflict, code: "idempotency");
            Assert.Equal("Request in progress", problem.GetProperty("title").GetString());
        }
        var ids = await Task.WhenAll(created.Select(async a => (await a.ReadJsonAsync()).GetProperty("clientId").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1L, await api.CountStreamsAsync(tenant));
    }

    [Fact]
    public async Task A_key_is_remembered_for_24_hours_and_then_forgotten()
    {
        var (tenant, frontDesk, kept, body) = NewRegistration();
        var (expired, purged) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        foreach (var key in new[] { kept, purged })
        {
            await PostWithKeyAsync(frontDesk, key, body, "/api/clients").ShouldBe(HttpStatusCode.Created);
        }
        var first = await (await PostWithKeyAsync(frontDesk, expired, body, "/api/clients").ShouldBe(HttpStatusCode.Created)).ReadJsonAsync();
        await using (var age = api.Store.DataSource.CreateCommand(
            $"UPDATE {api.Schema}.idempotency_keys SET created_at = now() - CASE WHEN key = $2 THEN interval '23 hours' ELSE interval '25 hours' END WHERE tenant_id = $1"))
        {
            age.Parameters.AddWithValue(tenant);
            age.Parameters.AddWithValue(Stored(tenant, kept));
            Assert.Equal(3, await age.ExecuteNonQueryAsync());
        }

        var replayed = await PostWithKeyAsync(frontDesk, kept, body, "/api/clients").ShouldBe(HttpStatusCode.Created);
        Assert.True(replayed.Headers.Contains("Idempotent-Replayed"));
        // Past 24 hours a key is new again, whether or not the purge has come by yet.
        var again = await (await PostWithKeyAsync(frontDesk, expired, body, "/api/clients").ShouldBe(HttpStatusCode.Created)).ReadJsonAsync();
        Assert.NotEqual(first.GetProperty("clientId").GetGuid(), again.GetProperty("clientId").GetGuid());

        Assert.True(await IdempotencyMiddleware.PurgeExpiredAsync(api.Store) >= 1);
        await using var left = api.Store.DataSource.CreateCommand($"SELECT key FROM {api.Schema}.idempotency_keys WHERE tenant_id = $1");
        left.Parameters.AddWithValue(tenant);
        var keys = new List<string>();
        await using (var reader = await left.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }
        Assert.Equal(new[] { kept, expired }.Select(key => Stored(tenant, key)).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }
}
