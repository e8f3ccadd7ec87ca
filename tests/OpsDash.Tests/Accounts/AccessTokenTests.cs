using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OpsDash.Tests.Accounts;

/// <summary>Access tokens crafted by hand: only a token signed with our key, for our issuer and audience, still valid, gets in.</summary>
public sealed class AccessTokenTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string Issuer = "opsdash";
    private const string Audience = "opsdash-api";

    [Fact]
    public async Task A_well_formed_hand_signed_token_is_accepted()
    {
        // The control for every negative case below: the crafting itself is right.
        var user = await factory.SignUpAsync("control");

        var response = await factory.ClientWith(Sign(user.Id)).GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_well_signed_token_without_the_users_current_security_stamp_is_401()
    {
        var user = await factory.SignUpAsync("stampless");
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", user.Id.ToString()), new Claim("stamp", "7", ClaimValueTypes.Integer32)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(OpsDashFactory.SigningKey)), SecurityAlgorithms.HmacSha256),
        });

        await (await factory.ClientWith(token).GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Missing_token_is_401()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var user = await factory.SignUpAsync("expired");
        var now = DateTime.UtcNow;

        var token = Sign(user.Id, issuedAt: now.AddHours(-1), expires: now.AddMinutes(-5));

        await AssertRejectedAsync(token);
    }

    [Fact]
    public async Task Tampered_signature_is_401()
    {
        var user = await factory.SignUpAsync("tampered");
        var token = Sign(user.Id);
        var signatureStart = token.LastIndexOf('.') + 1;
        var i = signatureStart + 10; // inside the signature, away from the final char's padding bits
        var tampered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];

        await AssertRejectedAsync(tampered);
    }

    [Fact]
    public async Task Tampered_payload_is_401()
    {
        var victim = await factory.SignUpAsync("victim");
        var attacker = await factory.SignUpAsync("attacker");
        var parts = Sign(attacker.Id).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(attacker.Id.ToString(), victim.Id.ToString(), StringComparison.Ordinal);

        await AssertRejectedAsync($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}");
    }

    [Fact]
    public async Task Unsigned_alg_none_token_is_401()
    {
        var user = await factory.SignUpAsync("none");
        var now = DateTimeOffset.UtcNow;
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"sub":"{{user.Id}}","email":"{{user.Email}}","iss":"{{Issuer}}","aud":"{{Audience}}","iat":{{now.ToUnixTimeSeconds()}},"nbf":{{now.ToUnixTimeSeconds()}},"exp":{{now.AddMinutes(10).ToUnixTimeSeconds()}}}""");

        await AssertRejectedAsync($"{header}.{payload}.");
    }

    [Fact]
    public async Task Wrong_audience_is_401()
    {
        var user = await factory.SignUpAsync("audience");

        await AssertRejectedAsync(Sign(user.Id, audience: "some-other-api"));
    }

    [Fact]
    public async Task Wrong_issuer_is_401()
    {
        var user = await factory.SignUpAsync("issuer");

        await AssertRejectedAsync(Sign(user.Id, issuer: "https://evil.example"));
    }

    [Fact]
    public async Task Wrong_key_is_401()
    {
        var user = await factory.SignUpAsync("key");

        await AssertRejectedAsync(Sign(user.Id, key: "another-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz"));
    }

    [Fact]
    public async Task Valid_token_for_an_account_that_does_not_exist_is_401()
    {
        await AssertRejectedAsync(Sign(Guid.NewGuid()));
    }

    private async Task AssertRejectedAsync(string token)
    {
        var response = await factory.ClientWith(token).GetAsync("/api/v1/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static string Sign(
        Guid userId, string key = OpsDashFactory.SigningKey, string issuer = Issuer, string audience = Audience,
        DateTime? issuedAt = null, DateTime? expires = null)
    {
        var iat = issuedAt ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            // A fresh account's security stamp is 0; a token without one is not a session of ours.
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString()), new Claim("jti", Guid.NewGuid().ToString()), new Claim("stamp", "0", ClaimValueTypes.Integer32)]),
            IssuedAt = iat,
            NotBefore = iat,
            Expires = expires ?? iat.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
