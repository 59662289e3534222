using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Practice.ServiceDefaults;

/// <summary>
/// Validates HS256 bearer tokens with Microsoft.IdentityModel. (The JwtBearer package for .NET 10 does
/// not restore from our package source; the token validation itself is the library's, not ours.)
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PracticeSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var result = await Handler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), TokenIssuer.ValidationParameters(settings.Jwt));
        if (!result.IsValid)
        {
            return AuthenticateResult.Fail("The bearer token is invalid or expired.");
        }
        if (!NamesOne(result.ClaimsIdentity, PracticeClaims.Tenant))
        {
            return AuthenticateResult.Fail("The bearer token names no tenant.");
        }
        // Who acted goes into every event's metadata and the access log, and keys the caller's Idempotency-Keys.
        if (!NamesOne(result.ClaimsIdentity, PracticeClaims.Subject))
        {
            return AuthenticateResult.Fail("The bearer token names no subject.");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(result.ClaimsIdentity), SchemeName));
    }

    /// <summary>Exactly one such claim, not blank: the first is what every reader of it takes.</summary>
    private static bool NamesOne(ClaimsIdentity identity, string type) =>
        identity.FindAll(type).ToList() is [var only] && !string.IsNullOrWhiteSpace(only.Value);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication required", "Send a valid bearer token (`practice token` prints one for development).");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "Your role may not do this.");
}
