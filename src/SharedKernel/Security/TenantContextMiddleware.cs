using Microsoft.AspNetCore.Http;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Security;

/// <summary>Copies the authenticated user's id into the request's <see cref="TenantContext"/>.</summary>
public sealed class TenantContextMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, TenantContext tenant)
    {
        if (context.User.UserId() is { } userId)
        {
            await tenant.SetUserAsync(userId, new AccessTokenSession(context.User.SecurityStamp(), context.User.SessionId()));
        }

        await next(context);
    }
}
