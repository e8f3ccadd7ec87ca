using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// The seed's <c>withOrg(slug)</c>: resolves <c>{slug}</c> among the caller's live memberships and
/// makes it the transaction's org context; as the request's first statement, in the same round trip
/// as BEGIN, the tenant context and the session check. A slug the caller cannot see is 404, never
/// 403, so org names do not leak.
/// </summary>
public sealed class OrgScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var tenant = services.GetRequiredService<TenantContext>();
        if (tenant.UserId is null)
        {
            throw new UnauthorizedException();
        }

        var slug = http.Request.RouteValues["slug"] as string ?? string.Empty;
        var db = services.GetRequiredService<DbSession>();
        var org = await db.EnterOrgAsync(slug, http.RequestAborted)
            ?? throw new NotFoundException("Organization not found.");
        tenant.RecordOrgApplied(org.Id);
        services.GetRequiredService<OrgContext>().Set(org);
        return await next(context);
    }
}
