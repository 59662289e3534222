namespace Practice.ServiceDefaults;

/// <summary>Configuration shared by every host, bound from the "Practice" section (env: Practice__ConnectionString, ...).</summary>
public sealed class PracticeSettings
{
    public const string DevelopmentConnectionString = "Host=127.0.0.1;Port=54329;Username=practice;Password=practice;Database=practice";

    /// <summary>A development-only key; any real deployment sets Practice__Jwt__SigningKey.</summary>
    public const string DevelopmentSigningKey = "practice-development-signing-key-change-me-0123456789";

    public string ConnectionString { get; set; } = DevelopmentConnectionString;
    public string Schema { get; set; } = "practice";
    public JwtSettings Jwt { get; set; } = new();

    /// <summary>Seals the Integrations feed's cursors; unset, a key is derived from <see cref="JwtSettings.SigningKey"/>.</summary>
    public string? FeedCursorKey { get; set; }

    /// <summary>Whether this host runs the projection daemon (leader election makes several safe).</summary>
    public bool RunDaemon { get; set; } = true;

    /// <summary>Readiness fails when an async projection is further behind than this.</summary>
    public double MaxProjectionLagSeconds { get; set; } = 30;

    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}

public sealed class JwtSettings
{
    public string Issuer { get; set; } = "practice";
    public string Audience { get; set; } = "practice-api";
    public string SigningKey { get; set; } = PracticeSettings.DevelopmentSigningKey;
}
