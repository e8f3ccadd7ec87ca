using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.Modules.Platform.Operations;

/// <summary>
/// Makes the cookie's user the request's user (with its security stamp, which the first database
/// access checks), and lets the request through only while the cookie's server-side session is live
/// and its user a platform operator; platform.use_ops_session decides both.
/// </summary>
internal sealed class OperatorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (OpsSession.Read(http.User) is not { } cookie)
        {
            await OpsSession.SignOutAsync(http);
            return TypedResults.Redirect(OpsSession.LoginPath);
        }

        await http.RequestServices.GetRequiredService<TenantContext>().SetUserAsync(cookie.UserId, new AccessTokenSession(cookie.Stamp, null));
        string state;
        try
        {
            state = await http.RequestServices.GetRequiredService<OpsSessions>().UseAsync(cookie.SessionId, http.RequestAborted);
        }
        catch (UnauthorizedException)
        {
            // The password was changed (or the account is gone) since this cookie was issued.
            state = "stamp_changed";
        }

        return state switch
        {
            OpsSessions.Ok => await next(context),
            OpsSessions.NotOperator => OpsHtml.Message(StatusCodes.Status403Forbidden, "Forbidden", "This account is not a platform operator."),
            _ => await SignedOutAsync(http),
        };
    }

    // Signed out, idle too long, or the password changed: the cookie is dropped and the visitor signs in again.
    private static async Task<IResult> SignedOutAsync(HttpContext http)
    {
        await OpsSession.SignOutAsync(http);
        return TypedResults.Redirect(OpsSession.LoginPath);
    }
}
