using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.RequestLimits;

/// <summary>
/// The same API on a real Kestrel socket: the in-process test server applies no body limit to a
/// body streamed without a declared length, so only Kestrel can show that one is refused too.
/// </summary>
public sealed class KestrelOperationsApi : IAsyncLifetime
{
    public OperationsApi Api { get; } = new();

    public async Task InitializeAsync()
    {
        Api.UseKestrel(0);
        await Api.InitializeAsync();
    }

    public Task DisposeAsync() => Api.DisposeAsync();
}

public sealed class StreamedBodyLimitTests(KestrelOperationsApi kestrel) : IClassFixture<KestrelOperationsApi>
{
    [Fact]
    public async Task A_streamed_body_over_256_KiB_is_a_413_problem_and_appends_nothing()
    {
        var api = kestrel.Api;
        var client = api.As(ClinicArrangement.NewTenant(), Roles.FrontDesk);
        var before = await api.CountEventsAsync();
        var json = JsonSerializer.Serialize(ClinicArrangement.ClientRequest(name: new string('a', 300_000)), OperationsApi.Json);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/clients") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await client.SendAsync(request).ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge, code: "body-too-large");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
