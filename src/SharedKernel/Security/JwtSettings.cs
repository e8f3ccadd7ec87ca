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
}
