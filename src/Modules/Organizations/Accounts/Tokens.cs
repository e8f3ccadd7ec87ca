using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// Short-lived JWT access tokens and opaque refresh tokens (stored as SHA-256 hashes, one family
/// per login). An access token carries its family (<c>sid</c>) and the user's security stamp
/// (<c>stamp</c>), both checked on every request (auth.access_token_is_current).
/// </summary>
internal sealed class Tokens(JwtSettings jwt, DbSession db, TimeProvider clock)
{
    private const string InsertRefreshSql = """
        insert into auth.refresh_tokens (user_id, family_id, token_hash, expires_at, family_expires_at)
        values (@UserId, @FamilyId, @TokenHash, least(@ExpiresAt, @FamilyExpiresAt), @FamilyExpiresAt)
        on conflict (token_hash) do nothing
        """;

    private readonly SigningCredentials _credentials = new(AuthenticationSetup.SigningKey(jwt), SecurityAlgorithms.HmacSha256);

    // A separate key for deriving successor refresh tokens, so the signing key is never used for two purposes.
    private readonly byte[] _successorKey = HKDF.DeriveKey(
        HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(jwt.SigningKey ?? string.Empty), 32, info: "opsdash refresh successor"u8.ToArray());

    /// <summary>A new session: a new family with its absolute lifetime, a random refresh token.</summary>
    public Task<TokenPair> StartSessionAsync(Guid userId, string email, int stamp, CancellationToken ct)
    {
        var refresh = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var familyExpires = clock.GetUtcNow().AddDays(jwt.RefreshFamilyDays);
        return ContinueSessionAsync(userId, email, stamp, Guid.NewGuid(), familyExpires, refresh, ct);
    }

    /// <summary>
    /// The next token pair of a family: <paramref name="refresh"/> (a successor, see <see cref="Successor"/>) is stored
    /// unless it already is (a repeated refresh inside the reuse interval hands out the same one).
    /// </summary>
    public async Task<TokenPair> ContinueSessionAsync(
        Guid userId, string email, int stamp, Guid familyId, DateTimeOffset familyExpiresAt, string refresh, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.ExecuteAsync(
            InsertRefreshSql,
            new
            {
                UserId = userId,
                FamilyId = familyId,
                TokenHash = Hash(refresh),
                ExpiresAt = now.AddDays(jwt.RefreshTokenDays).UtcDateTime,
                FamilyExpiresAt = familyExpiresAt.UtcDateTime,
            },
            ct);
        return new TokenPair(AccessToken(userId, email, stamp, familyId, now), refresh, jwt.AccessTokenMinutes * 60);
    }

    /// <summary>The token that replaces <paramref name="refresh"/>: derived, so the same request twice yields the same successor.</summary>
    public string Successor(string refresh) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(_successorKey, Encoding.UTF8.GetBytes(refresh)));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private string AccessToken(Guid userId, string email, int stamp, Guid familyId, DateTimeOffset now) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", userId.ToString()),
                new Claim("email", email),
                new Claim("jti", Guid.NewGuid().ToString()),
                new Claim(AuthenticationSetup.SessionClaim, familyId.ToString()),
                new Claim(AuthenticationSetup.StampClaim, stamp.ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer32),
            ]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(jwt.AccessTokenMinutes).UtcDateTime,
            SigningCredentials = _credentials,
        });
}

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");
