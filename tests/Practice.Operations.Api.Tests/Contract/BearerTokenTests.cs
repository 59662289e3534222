using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Contract;

public sealed class BearerTokenTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    // Who acted goes into every event and the access log, and keys the caller's Idempotency-Keys: a token without
    // a subject would have shared one namespace of keys with every other such token of its clinic.
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_signed_token_that_names_no_subject_is_a_401_and_changes_nothing(string? subject)
    {
        var tenant = ClinicArrangement.NewTenant();
        await api.ArrangeLocationAsync(tenant);
        var before = await api.CountEventsAsync();
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(tenant, subject));

        await client.PostJsonAsync("/api/clients", new { name = "Jo Park", dateOfBirth = "1988-02-14", contact = new { } })
            .ShouldBeProblem(HttpStatusCode.Unauthorized);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    private static string Token(string tenant, string? subject)
    {
        var claims = new Dictionary<string, object> { [PracticeClaims.Tenant] = tenant, [PracticeClaims.Role] = Roles.FrontDesk };
        if (subject is not null)
        {
            claims[PracticeClaims.Subject] = subject;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = OperationsApi.Jwt.Issuer,
            Audience = OperationsApi.Jwt.Audience,
            Claims = claims,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(OperationsApi.Jwt.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
