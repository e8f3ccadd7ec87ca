using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsDash.SharedKernel.Database;
using Microsoft.IdentityModel.Tokens;

namespace OpsDash.SharedKernel.Security;

public static class AuthenticationSetup
{
    /// <summary>The default scheme: a user's access token or an API key, by what the request presents.</summary>
    public const string SchemeName = "OpsDash";

    public static IServiceCollection AddOpsDashAuthentication(this IServiceCollection services, JwtSettings jwt)
    {
        services.AddSingleton(jwt);
        services.AddSingleton<SecretBox>();
        services.AddSingleton(sp => new ApiKeyUsage(
            sp.GetRequiredService<AppDataSource>(), sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ApiKeyUsage>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyUsage>());
        // One default scheme that forwards to the scheme the request's credential is for: an API key
        // (odk_...) or a user's access token (ADR 0021).
        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, SchemeName, o => o.ForwardDefaultSelector = http =>
                ApiKeyAuthenticationHandler.Presents(http.Request) ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                // Nothing reads the token back from the authentication properties (GetTokenAsync): not stored per request.
                options.SaveToken = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = SigningKey(jwt),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "sub",
                };
            });
        // Fail closed: an endpoint that says nothing requires a signed-in caller; anonymous ones say
        // .AllowAnonymous() themselves. A request that matched no route runs no handler of ours: it may
        // go on to the static API explorer, a plain 404, or routing's own 405/415 answer (a bare
        // Endpoint, not a RouteEndpoint), which must not turn into a misleading 401.
        services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder()
            .RequireAssertion(c => c.User.Identity?.IsAuthenticated == true || (c.Resource is HttpContext http && http.GetEndpoint() is not RouteEndpoint))
            .Build());
        return services;
    }

    public static SymmetricSecurityKey SigningKey(JwtSettings jwt)
    {
        var bytes = Encoding.UTF8.GetBytes(jwt.SigningKey ?? string.Empty);
        return bytes.Length >= 32
            ? new SymmetricSecurityKey(bytes)
            : throw new InvalidOperationException("Auth:Jwt:SigningKey must be at least 32 bytes.");
    }

    /// <summary>The access token's session: the refresh token family it was issued in.</summary>
    public const string SessionClaim = "sid";

    /// <summary>The user's security stamp when the access token was issued; bumped by a password change.</summary>
    public const string StampClaim = "stamp";

    public static Guid? SessionId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionClaim), out var id) ? id : null;

    public static int? SecurityStamp(this ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(StampClaim), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var stamp) ? stamp : null;

    /// <summary>The authenticated user's id (the token's <c>sub</c>), or null.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue("sub"), out var id) ? id : null;

}
