using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>Short-lived JWT access tokens and opaque refresh tokens (stored as SHA-256 hashes, one family per login).</summary>
internal sealed class Tokens(JwtSettings jwt, DbSession db, TimeProvider clock)
{
    private const string InsertRefreshSql = """
        insert into auth.refresh_tokens (user_id, family_id, token_hash, expires_at)
        values (@UserId, @FamilyId, @TokenHash, @ExpiresAt)
        """;

    private readonly SigningCredentials _credentials = new(AuthenticationSetup.SigningKey(jwt), SecurityAlgorithms.HmacSha256);

    /// <summary>Issues an access token and a new refresh token in <paramref name="familyId"/> (a new family when null). Needs the user context set.</summary>
    public async Task<TokenPair> IssueAsync(Guid userId, string email, Guid? familyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var expires = now.AddMinutes(jwt.AccessTokenMinutes);
        var access = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString()), new Claim("email", email), new Claim("jti", Guid.NewGuid().ToString())]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
        });

        var refresh = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        await db.ExecuteAsync(
            InsertRefreshSql,
            new { UserId = userId, FamilyId = familyId ?? Guid.NewGuid(), TokenHash = Hash(refresh), ExpiresAt = now.AddDays(jwt.RefreshTokenDays).UtcDateTime },
            ct);
        return new TokenPair(access, refresh, jwt.AccessTokenMinutes * 60);
    }

    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");
