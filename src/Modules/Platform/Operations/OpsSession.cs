using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Organizations.Contracts;

namespace OpsDash.Modules.Platform.Operations;

/// <summary>Configuration section <c>Ops</c>: the operators' pages.</summary>
public sealed class OpsSettings
{
    public const string SectionName = "Ops";

    /// <summary>An idle operator's browser session ends after this long (sliding).</summary>
    public int SessionMinutes { get; set; } = 60;
}

/// <summary>
/// The browser sign-in of the operators' pages: a cookie of its own (HttpOnly, SameSite=Strict, path
/// /ops), because a page cannot send the API's bearer token. It carries the user id, security stamp and
/// server-side session (<see cref="OpsSessions"/>); every request re-checks in SQL the stamp (a password
/// change ends it), the session (signing out ends it, on every Host) and operator status. The cookie is
/// sealed with the key ring every Host shares (ADR 0019).
/// </summary>
internal static class OpsSession
{
    public const string Scheme = "OpsCookie";
    public const string LoginPath = "/ops/login";
    public const string HomePath = "/ops/jobs";
    private const string StampClaim = "stamp";
    private const string SessionClaim = "sid";

    public static readonly AuthorizationPolicy Policy = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();

    public static IServiceCollection AddOpsSession(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(OpsSettings.SectionName).Get<OpsSettings>() ?? new OpsSettings();
        services.AddSingleton(settings);
        services.AddScoped<OpsSessions>();
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "opsdash_ops";
            o.Cookie.Path = "/ops";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request came over HTTPS (directly or through a known proxy).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = LoginPath;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(settings.SessionMinutes);
            o.SlidingExpiration = true;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "opsdash_ops_csrf";
            o.Cookie.Path = "/ops";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "csrf";
        });
        return services;
    }

    public static Task SignInAsync(HttpContext http, SignedInAccount account, Guid sessionId) =>
        http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim("sub", account.UserId.ToString()),
                new Claim("email", account.Email),
                new Claim(StampClaim, account.SecurityStamp.ToString(CultureInfo.InvariantCulture)),
                new Claim(SessionClaim, sessionId.ToString()),
            ],
            Scheme)));

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    public static OpsCookie? Read(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue("sub"), out var id) &&
        int.TryParse(user.FindFirstValue(StampClaim), NumberStyles.Integer, CultureInfo.InvariantCulture, out var stamp) &&
        Guid.TryParse(user.FindFirstValue(SessionClaim), out var session)
            ? new OpsCookie(id, stamp, user.FindFirstValue("email") ?? string.Empty, session)
            : null;
}

/// <summary>What the /ops cookie says: who, with which security stamp, in which server-side session.</summary>
internal sealed record OpsCookie(Guid UserId, int Stamp, string Email, Guid SessionId);
