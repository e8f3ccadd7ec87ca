using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.Modules.Platform.Operations;

/// <summary>
/// Makes the cookie's user the request's user (with its security stamp, which the first database
/// access checks) and lets only platform operators through; platform.is_operator() decides.
/// </summary>
internal sealed class OperatorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (OpsSession.Read(http.User) is not { } session)
        {
            await OpsSession.SignOutAsync(http);
            return TypedResults.Redirect(OpsSession.LoginPath);
        }

        await http.RequestServices.GetRequiredService<TenantContext>().SetUserAsync(session.UserId, new AccessTokenSession(session.Stamp, null));
        bool isOperator;
        try
        {
            isOperator = await http.RequestServices.GetRequiredService<JobsSummary>().IsOperatorAsync(http.RequestAborted);
        }
        catch (UnauthorizedException)
        {
            // The password was changed (or the account is gone) since this cookie was issued.
            await OpsSession.SignOutAsync(http);
            return TypedResults.Redirect(OpsSession.LoginPath);
        }

        return isOperator
            ? await next(context)
            : OpsHtml.Message(StatusCodes.Status403Forbidden, "Forbidden", "This account is not a platform operator.");
    }
}
