using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace OpsDash.SharedKernel.Security;

public static class AuthenticationSetup
{
    public static IServiceCollection AddOpsDashAuthentication(this IServiceCollection services, JwtSettings jwt)
    {
        services.AddSingleton(jwt);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
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
        // .AllowAnonymous() themselves. A request that matched no endpoint runs no handler, so it may
        // go on to the static API explorer or to a plain 404.
        services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder()
            .RequireAssertion(c => c.User.Identity?.IsAuthenticated == true || (c.Resource is HttpContext http && http.GetEndpoint() is null))
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

    /// <summary>The authenticated user's id (the token's <c>sub</c>), or null.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue("sub"), out var id) ? id : null;

    /// <summary>The token's <c>iat</c>, or null.</summary>
    public static DateTimeOffset? IssuedAt(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue("iat"), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
