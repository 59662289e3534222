using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Practice.EventStore;
using Practice.ServiceDefaults;
using Practice.Testing;

namespace Practice.Operations.Api.Tests.Infrastructure;

/// <summary>A clock the tests move; the API reads time only through TimeProvider.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset now) => _now = now;
}

/// <summary>
/// The Operations API in-process over HTTP, on the real PostgreSQL, in a schema of its own per test class.
/// Arrange through the API, act through the API, assert on what a caller sees.
/// </summary>
public sealed class OperationsApi : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    public string Schema { get; } = TestDatabase.NewSchemaName("ops");

    /// <summary>Monday 2026-11-23 06:00 UTC: bookings "tomorrow at 10:00" are well inside every window.</summary>
    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));

    public StreamStore Store => Services.GetRequiredService<StreamStore>();

    /// <summary>The token settings the test host checks against.</summary>
    public static JwtSettings Jwt { get; } = new() { SigningKey = TestSigning.Key };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Practice:ConnectionString", TestDatabase.ConnectionString);
        builder.UseSetting("Practice:Schema", Schema);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Practice:Jwt:SigningKey", TestSigning.Key);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureReachableAsync();
        StartServer();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await TestDatabase.DropSchemaAsync(Schema);
    }

    /// <summary>An HTTP client whose bearer token speaks for <paramref name="tenant"/> in <paramref name="role"/>.</summary>
    public HttpClient As(string tenant, string role, Guid? therapistId = null)
    {
        var client = CreateClient();
        var token = TokenIssuer.Issue(Jwt, tenant, role, $"{role}@{tenant}", TimeSpan.FromHours(1), therapistId);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Waits until the async views include everything committed so far.</summary>
    /// <summary>The tenant's event types in the order their transactions committed, as async readers see them.</summary>
    public async Task<List<string>> EventTypesInCommitOrderAsync(string tenantId)
    {
        await using var command = Store.DataSource.CreateCommand($"SELECT type FROM {Schema}.events WHERE tenant_id = $1 ORDER BY tx, seq");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tenantId });
        var types = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            types.Add(reader.GetString(0));
        }
        return types;
    }

    public Task WaitForViewsAsync() => Store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(15));

    /// <summary>Counts every event in this test class's schema: "nothing appended" is checked with it.</summary>
    public async Task<long> CountEventsAsync()
    {
        await using var command = Store.DataSource.CreateCommand($"SELECT count(*) FROM {Schema}.events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many streams a tenant has: "it ran once" is checked with it.</summary>
    public async Task<long> CountStreamsAsync(string tenant)
    {
        await using var command = Store.DataSource.CreateCommand($"SELECT count(*) FROM {Schema}.streams WHERE tenant_id = $1");
        command.Parameters.AddWithValue(tenant);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What a faulty writer stored under the real event's name: an id that is not one.</summary>
    private sealed record MisshapenRegistration(string ClientId);

    /// <summary>Stores, as a faulty writer would, a client registration that no longer reads.</summary>
    public async Task StoreMisshapenRegistrationAsync(string tenant, Guid clientId)
    {
        await using var faulty = await TestDatabase.CreateStoreAsync(Schema, options => options.Events.Register<MisshapenRegistration>("client-registered"));
        await using var session = faulty.OpenSession(tenant);
        session.StartStream($"client-{clientId}", "client", new MisshapenRegistration("not-a-guid"));
        await session.SaveChangesAsync();
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HostingExtensions.ConfigureJson(options);
        return options;
    }
}

/// <summary>Alba-style assertions that print the body when the status is not the expected one.</summary>
public static class HttpAssertions
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object? body = null) =>
        client.PostAsJsonAsync(url, body ?? new { }, OperationsApi.Json);

    public static async Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string rawJson)
    {
        using var content = new StringContent(rawJson, System.Text.Encoding.UTF8, "application/json");
        return await client.PostAsync(url, content);
    }

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

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(OperationsApi.Json))!;

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(OperationsApi.Json);

    /// <summary>An RFC 9457 answer: problem+json with the status, and the field at fault when one is named.</summary>
    public static async Task<JsonElement> ShouldBeProblem(this Task<HttpResponseMessage> pending, HttpStatusCode expected, string? field = null, string? code = null)
    {
        var response = await pending.ShouldBe(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
                $"Expected the problem to name field '{field}': {problem}");
        }
        if (code is not null)
        {
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }
        return problem;
    }
}
