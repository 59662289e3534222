using System.Net;
using Microsoft.AspNetCore.Hosting;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Health;

public sealed class SigningKeyTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public void Outside_development_the_api_refuses_to_start_with_the_development_signing_key(string environment)
    {
        using var production = api.WithWebHostBuilder(builder => builder
            .UseEnvironment(environment)
            .UseSetting("Practice:Jwt:SigningKey", PracticeSettings.DevelopmentSigningKey));

        var refused = Assert.Throws<InvalidOperationException>(() => production.CreateClient());

        Assert.Contains("Practice__Jwt__SigningKey is the development key", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signing_key_shorter_than_32_bytes_is_refused_at_start()
    {
        using var weak = api.WithWebHostBuilder(builder => builder.UseSetting("Practice:Jwt:SigningKey", "too-short"));

        var refused = Assert.Throws<InvalidOperationException>(() => weak.CreateClient());

        Assert.Contains("at least 32 bytes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_the_api_starts_with_a_key_of_its_own()
    {
        await using var production = api.WithWebHostBuilder(builder => builder
            .UseEnvironment("Production")
            .UseSetting("Practice:Jwt:SigningKey", "a-production-key-that-is-not-in-the-repository-0123"));

        await production.CreateClient().GetAsync("/health/live").ShouldBe(HttpStatusCode.OK);
    }
}
