using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Errors;
using OpsDash.SharedKernel.Tenancy;

namespace OpsDash.SharedKernel.Security;

/// <summary>
/// Copies the authenticated user's id into the request's <see cref="TenantContext"/>, or the API key the
/// request presents (ADR 0021). A key is refused (401) at once on a route that does not accept keys (account,
/// member, org and key-management routes), before anything is looked up; it is ignored on anonymous routes.
/// </summary>
public sealed class TenantContextMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, TenantContext tenant)
    {
        if (context.User.UserId() is { } userId)
        {
            await tenant.SetUserAsync(userId, new AccessTokenSession(context.User.SecurityStamp(), context.User.SessionId()));
        }
        else if (context.Features.Get<ApiKeyCredential>() is { } key && context.GetEndpoint() is { } endpoint
                 && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            if (endpoint.Metadata.GetMetadata<ApiKeyAccess>() is null)
            {
                throw new UnauthorizedException("API keys are not accepted on this route; it needs a user's access token.");
            }

            tenant.PresentApiKey(key);
        }

        await next(context);
    }
}
