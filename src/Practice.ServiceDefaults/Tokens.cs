using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Practice.ServiceDefaults;

/// <summary>Issues HS256 bearer tokens that the hosts accept: for `practice token`, the demo seed and tests.</summary>
public static class TokenIssuer
{
    /// <param name="scopes">What the token may read beyond its role's default, such as <c>feed:clinical</c>; sent as the space-separated <c>scope</c> claim.</param>
    public static string Issue(JwtSettings settings, string tenantId, string role, string subject, TimeSpan lifetime, Guid? therapistId = null,
        IReadOnlyCollection<string>? scopes = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        if (!Roles.All.Contains(role))
        {
            throw new ArgumentException($"Unknown role '{role}'; one of: {string.Join(", ", Roles.All)}.", nameof(role));
        }
        var claims = new Dictionary<string, object>
        {
            [PracticeClaims.Tenant] = tenantId,
            [PracticeClaims.Role] = role,
            [PracticeClaims.Subject] = subject,
        };
        if (therapistId is { } id)
        {
            claims[PracticeClaims.TherapistIdClaim] = id.ToString();
        }
        if (scopes is { Count: > 0 })
        {
            claims[PracticeClaims.Scope] = string.Join(' ', scopes);
        }
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(SigningKey(settings), SecurityAlgorithms.HmacSha256),
        });
    }

    internal static SymmetricSecurityKey SigningKey(JwtSettings settings) => new(Encoding.UTF8.GetBytes(settings.SigningKey));

    internal static TokenValidationParameters ValidationParameters(JwtSettings settings) => new()
    {
        ValidIssuer = settings.Issuer,
        ValidAudience = settings.Audience,
        IssuerSigningKey = SigningKey(settings),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = PracticeClaims.Subject,
        RoleClaimType = PracticeClaims.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
    };
}
