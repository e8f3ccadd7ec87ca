using Microsoft.AspNetCore.Antiforgery;
using OpsDash.Modules.Organizations.Contracts;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Platform.Operations;

/// <summary>
/// <c>/ops/login</c>: email and password, checked exactly as the API's login (lockout, security log),
/// then operator status; only an operator gets a server-side session and the cookie naming it.
/// Forms carry an antiforgery token.
/// </summary>
internal static class OpsLogin
{
    private const int MaxEmail = 254;
    private const int MaxPassword = 128;

    public static void Map(IEndpointRouteBuilder ops)
    {
        ops.MapGet("/login", ShowAsync).AllowAnonymous();
        ops.MapPost("/login", SignInAsync).AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Auth);
    }

    public static void MapLogOut(IEndpointRouteBuilder signedIn) => signedIn.MapPost("/logout", LogOutAsync);

    private static ContentHttpResult ShowAsync(HttpContext http, IAntiforgery antiforgery) =>
        Form(StatusCodes.Status200OK, http, antiforgery, error: null, email: null);

    private static async Task<IResult> SignInAsync(
        HttpContext http, IAntiforgery antiforgery, IPasswordSignIn passwords, JobsSummary operators, OpsSessions sessions, DbSession db)
    {
        // The counted guess and the security log are committed whatever happens to the connection.
        var ct = CancellationToken.None;
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return OpsHtml.Message(StatusCodes.Status400BadRequest, "Bad request", "The form expired; open the sign-in page again.");
        }

        var form = await http.Request.ReadFormAsync(ct);
        var email = form["email"].ToString();
        var password = form["password"].ToString();
        if (email.Length is 0 or > MaxEmail || password.Length is 0 or > MaxPassword || email.Contains('\0', StringComparison.Ordinal) || password.Contains('\0', StringComparison.Ordinal))
        {
            return Form(StatusCodes.Status400BadRequest, http, antiforgery, "Enter your email and password.", email.Length <= MaxEmail ? email : null);
        }

        var account = await passwords.CheckAsync(email, password, http.Connection.RemoteIpAddress?.ToString(), UserAgent(http), ct);
        if (account is null)
        {
            return Form(StatusCodes.Status401Unauthorized, http, antiforgery, "Invalid email or password.", email);
        }

        if (!await operators.IsOperatorAsync(ct))
        {
            await db.CommitAsync(ct); // the successful check is recorded like any login
            return OpsHtml.Message(StatusCodes.Status403Forbidden, "Forbidden", "This account is not a platform operator.");
        }

        await OpsSession.SignInAsync(http, account, await sessions.StartAsync(ct));
        return TypedResults.Redirect(OpsSession.HomePath);
    }

    // Ends the server-side session too: a copy of the cookie is refused from now on, on every Host.
    private static async Task<IResult> LogOutAsync(HttpContext http, IAntiforgery antiforgery, OpsSessions sessions)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return OpsHtml.Message(StatusCodes.Status400BadRequest, "Bad request", "The form expired; reload the page and try again.");
        }

        if (OpsSession.Read(http.User) is { } cookie)
        {
            await sessions.EndAsync(cookie.SessionId, http.RequestAborted);
        }

        await OpsSession.SignOutAsync(http);
        return TypedResults.Redirect(OpsSession.LoginPath);
    }

    private static string? UserAgent(HttpContext http) => http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null;

    private static ContentHttpResult Form(int status, HttpContext http, IAntiforgery antiforgery, string? error, string? email)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var body = $"""
            <form class="login" method="post" action="{OpsSession.LoginPath}">
              <h2>Operator sign-in</h2>
              {(error is null ? string.Empty : $"<p class=\"error\">{OpsHtml.E(error)}</p>")}
              {OpsHtml.Csrf(tokens.FormFieldName, tokens.RequestToken)}
              <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required maxlength="{MaxEmail}" value="{OpsHtml.E(email)}">
              <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="{MaxPassword}">
              <button class="primary" type="submit">Sign in</button>
            </form>
            """;
        return OpsHtml.Page(status, "Sign in", "<header><h1>OpsDash operations</h1></header>", body);
    }
}
