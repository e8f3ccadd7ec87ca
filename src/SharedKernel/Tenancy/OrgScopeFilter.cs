using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Errors;
using OpsDash.SharedKernel.Security;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// The seed's <c>withOrg(slug)</c>: resolves <c>{slug}</c> among the caller's live memberships and
/// makes it the transaction's org context. A slug the caller cannot see is 404, never 403, so org names
/// do not leak. When this Host already resolved the caller's slug, the entry rides with the handler's first
/// statement as its prelude (ADR 0025): one round trip for an org-scoped read. The prelude checks the
/// membership, the session and the route's role before that statement runs; when it refuses because the slug
/// no longer names the remembered org, the filter forgets it, enters the slow way (its own round trip with
/// the context and the session check) and runs the handler again, nothing of the first try having been kept.
/// A request made with an API key enters the key's own org only, and only on a route that accepts keys with a
/// scope the key holds (ADR 0021).
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
        var orgs = services.GetRequiredService<OrgContext>();
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
            orgs.Set(entered.Org);
            return await next(context);
        }

        if (tenant.UserId is not { } userId)
        {
            throw new UnauthorizedException();
        }

        var known = services.GetRequiredService<OrgEntryCache>();
        if (known.TryGet(userId, slug, out var orgId))
        {
            try
            {
                return await WithDeferredEntryAsync(context, next, db, orgs, slug, orgId);
            }
            catch (OrgEntryRefusedException)
            {
                known.Forget(userId, slug);
                db.ForgetPendingOrgEntry();
                orgs.Clear();
                await db.RollbackAsync(CancellationToken.None);
            }
        }

        var org = await db.EnterOrgAsync(slug, http.RequestAborted)
            ?? throw new NotFoundException("Organization not found.");
        known.Remember(userId, slug, org.Id);
        orgs.Set(org);
        return await next(context);
    }

    private static async ValueTask<object?> WithDeferredEntryAsync(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next, DbSession db, OrgContext orgs, string slug, Guid orgId)
    {
        db.DeferOrgEntry(slug, orgId, orgs.Set);
        orgs.Defer(orgId, db.EnterPendingOrgAsync);
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception) when (db.HasPendingOrgEntry)
        {
            // The handler failed before its first statement: a caller who is not a member still gets the 404.
            await db.EnterPendingOrgAsync(CancellationToken.None);
            throw;
        }

        // A handler that sent no statement (or answered an error first) is entered now.
        await db.EnterPendingOrgAsync(context.HttpContext.RequestAborted);
        return result;
    }
}
