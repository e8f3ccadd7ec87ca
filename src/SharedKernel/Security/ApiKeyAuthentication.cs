using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpsDash.SharedKernel.Security;

/// <summary>
/// The second authentication scheme (ADR 0021): <c>Authorization: Bearer odk_...</c> or <c>X-Api-Key: odk_...</c>.
/// It only reads the key's shape and hashes it; whether the key exists, is live, belongs to the org in
/// the URL and may call the route is decided when the org is entered (<c>OrgScopeFilter</c>), in the
/// request's first statement. The principal has no user id (<c>sub</c>): an API key acts as its org.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string PrefixClaim = "api_key_prefix";

    /// <summary>Whether the request presents an API key rather than an access token.</summary>
    public static bool Presents(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer " + ApiKeyFormat.Start, StringComparison.Ordinal)
        || (request.Headers.Authorization.Count == 0 && request.Headers.ContainsKey(HeaderName));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        var presented = authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? authorization["Bearer ".Length..]
            : Request.Headers[HeaderName].ToString();
        if (presented.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!ApiKeyFormat.TryParse(presented, out var prefix))
        {
            return Task.FromResult(AuthenticateResult.Fail("Not an API key."));
        }

        Context.Features.Set(new ApiKeyCredential(prefix, ApiKeyFormat.Hash(presented)));
        var identity = new ClaimsIdentity([new Claim(PrefixClaim, prefix)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>The presented key as the request holds it: its public prefix and SHA-256 of the whole key (never the key).</summary>
public sealed record ApiKeyCredential(string Prefix, byte[] Hash);

public static class ApiKeyPrincipal
{
    /// <summary>The prefix of the API key the request presents, or null for a user's token or no credential.</summary>
    public static string? ApiKeyPrefix(this ClaimsPrincipal principal) => principal.FindFirstValue(ApiKeyAuthenticationHandler.PrefixClaim);
}
