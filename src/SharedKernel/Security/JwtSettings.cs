namespace OpsDash.SharedKernel.Security;

public sealed class JwtSettings
{
    public const string SectionName = "Auth:Jwt";

    public string Issuer { get; set; } = "opsdash";

    public string Audience { get; set; } = "opsdash-api";

    /// <summary>HMAC-SHA256 key, at least 32 bytes. Required outside Development (see README).</summary>
    public string? SigningKey { get; set; }

    public int AccessTokenMinutes { get; set; } = 15;

    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>Absolute lifetime of a session (a refresh token family), however often it is refreshed.</summary>
    public int RefreshFamilyDays { get; set; } = 90;

    /// <summary>How long a used refresh token still yields the same successor (two tabs refreshing at once).</summary>
    public int RefreshReuseSeconds { get; set; } = 30;
}
