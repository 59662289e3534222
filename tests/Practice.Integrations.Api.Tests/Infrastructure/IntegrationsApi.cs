using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Practice.EventStore;
using Practice.ServiceDefaults;
using Practice.Testing;

namespace Practice.Integrations.Api.Tests.Infrastructure;

/// <summary>
/// The Integrations API in-process over HTTP, on the real PostgreSQL, in a schema of its own per test class.
/// Arrange by appending domain events through the host's store; act and assert over HTTP.
/// </summary>
public sealed class IntegrationsApi : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>How long an append may take to become visible: the feed hides transactions newer than the cluster's oldest running one.</summary>
    private static readonly TimeSpan FeedDeadline = TimeSpan.FromSeconds(10);

    public string Schema { get; } = TestDatabase.NewSchemaName("integ");

    public StreamStore Store => Services.GetRequiredService<StreamStore>();

    public static string NewTenant() => $"t-{Guid.NewGuid():N}";

    /// <summary>The token settings the test host checks against.</summary>
    public static JwtSettings Jwt { get; } = new() { SigningKey = TestSigning.Key };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Practice:ConnectionString", TestDatabase.ConnectionString);
        builder.UseSetting("Practice:Schema", Schema);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Practice:Jwt:SigningKey", TestSigning.Key);
    }

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureReachableAsync();
        _ = Server;
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await TestDatabase.DropSchemaAsync(Schema);
    }

    /// <summary>An HTTP client whose bearer token speaks for <paramref name="tenant"/> in <paramref name="role"/>.</summary>
    public HttpClient As(string tenant, string role, params string[] scopes)
    {
        var client = CreateClient();
        var token = TokenIssuer.Issue(Jwt, tenant, role, $"{role}@{tenant}", TimeSpan.FromHours(1), scopes: scopes);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Starts one stream per call, each in its own transaction, so append order is commit order.</summary>
    public async Task<string> StartStreamAsync(string tenant, string streamId, string streamType, params object[] events)
    {
        await using var session = Store.OpenSession(tenant);
        session.StartStream(streamId, streamType, events);
        await session.SaveChangesAsync();
        return streamId;
    }

    /// <summary>The events as the store persisted them (ids and database timestamps), for comparing with the feed.</summary>
    public async Task<IReadOnlyList<StoredEvent>> FetchStreamAsync(string tenant, string streamId)
    {
        await using var session = Store.OpenSession(tenant);
        return await session.FetchStreamAsync(streamId);
    }

    /// <summary>
    /// Polls the feed from the start until at least <paramref name="expected"/> events show, or the deadline passes.
    /// Returns the last page read; callers assert the exact contents, so extra events still fail them.
    /// </summary>
    public static async Task<FeedResponse> WaitForFeedAsync(HttpClient client, int expected)
    {
        var deadline = DateTime.UtcNow + FeedDeadline;
        while (true)
        {
            var page = await ReadFeedAsync(client, limit: 1000);
            if (page.Events.Count >= expected || DateTime.UtcNow > deadline)
            {
                return page;
            }
            // Poll interval only: visibility depends on other transactions on the cluster ending, not on a fixed time.
            await Task.Delay(50);
        }
    }

    public static async Task<FeedResponse> ReadFeedAsync(HttpClient client, string? after = null, int? limit = null)
    {
        var query = new List<string>();
        if (after is not null)
        {
            query.Add($"after={Uri.EscapeDataString(after)}");
        }
        if (limit is not null)
        {
            query.Add($"limit={limit}");
        }
        var url = query.Count == 0 ? "/api/feed" : $"/api/feed?{string.Join('&', query)}";
        var response = await client.GetAsync(new Uri(url, UriKind.Relative)).ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new FeedResponse(
            [.. body.GetProperty("events").EnumerateArray()],
            body.GetProperty("next").GetString() ?? throw new InvalidOperationException("The feed page has a null 'next'."));
    }
}

/// <summary>One feed page as raw JSON, so the tests check the wire names, not a shared record's.</summary>
public sealed record FeedResponse(IReadOnlyList<JsonElement> Events, string Next)
{
    public IReadOnlyList<string> Ids => [.. Events.Select(e => e.GetProperty("id").GetString()!)];
}

/// <summary>Assertions that print the body when the status is not the expected one.</summary>
public static class HttpAssertions
{
    public static async Task<HttpResponseMessage> ShouldBe(this Task<HttpResponseMessage> pending, HttpStatusCode expected)
    {
        var response = await pending;
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
        return response;
    }

    /// <summary>An RFC 9457 answer: problem+json with the status, and the field at fault when one is named.</summary>
    public static async Task<JsonElement> ShouldBeProblem(this Task<HttpResponseMessage> pending, HttpStatusCode expected, string? field = null)
    {
        var response = await pending.ShouldBe(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
                $"Expected the problem to name field '{field}': {problem}");
        }
        return problem;
    }
}
