using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Errors;
using OpsDash.SharedKernel.Security;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// The seed's <c>withOrg(slug)</c>: resolves <c>{slug}</c> among the caller's live memberships and
/// makes it the transaction's org context; as the request's first statement, in the same round trip
/// as BEGIN, the tenant context and the session check. A slug the caller cannot see is 404, never
/// 403, so org names do not leak. A request made with an API key enters the key's own org only, and
/// only on a route that accepts keys with a scope the key holds (ADR 0021).
/// </summary>
public sealed class OrgScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var tenant = services.GetRequiredService<TenantContext>();
        var slug = http.Request.RouteValues["slug"] as string ?? string.Empty;
        var db = services.GetRequiredService<DbSession>();
        OrgInfo org;
        if (tenant.PresentedApiKey is { } key)
        {
            var access = http.GetEndpoint()?.Metadata.GetMetadata<ApiKeyAccess>()
                ?? throw new UnauthorizedException("API keys are not accepted on this route.");
            var entered = await db.EnterOrgWithApiKeyAsync(key, slug, http.RequestAborted)
                ?? throw new NotFoundException("Organization not found.");
            if (!access.Allows(entered.Scopes, http.Request.Method))
            {
                throw new ForbiddenException($"This API key lacks the scope '{access.ScopeFor(http.Request.Method)}'.") { Extensions = { ["reason"] = "api_key_scope" } };
            }

            services.GetRequiredService<ApiKeyUsage>().Record(entered.KeyId);
            org = entered.Org;
        }
        else
        {
            if (tenant.UserId is null)
            {
                throw new UnauthorizedException();
            }

            org = await db.EnterOrgAsync(slug, http.RequestAborted)
                ?? throw new NotFoundException("Organization not found.");
            tenant.RecordOrgApplied(org.Id);
        }

        services.GetRequiredService<OrgContext>().Set(org);
        return await next(context);
    }
}
