using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>The seed's <c>withOrgAdmin</c> and <c>requireNonViewer</c>, as endpoint filters or one call in a handler.</summary>
public static class RoleFilters
{
    public static TBuilder RequireOrgAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(RoleFilter(OrgRoles.IsAdmin, "Only owners and admins can do this."))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden);

    public static TBuilder RequireOrgOwner<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(RoleFilter(role => role == OrgRoles.Owner, "Only owners can do this."))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden);

    public static TBuilder RequireNonViewer<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(RoleFilter(OrgRoles.CanWrite, "Viewers cannot make changes."))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden);

    public static void RequireAdmin(this OrgContext org)
    {
        if (!OrgRoles.IsAdmin(org.Role))
        {
            throw new ForbiddenException("Only owners and admins can do this.");
        }
    }

    public static void RequireNonViewer(this OrgContext org)
    {
        if (!OrgRoles.CanWrite(org.Role))
        {
            throw new ForbiddenException("Viewers cannot make changes.");
        }
    }

    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> RoleFilter(
        Func<string, bool> allowed, string message)
    {
        var roles = OrgRoles.All.Where(allowed).ToArray();
        return (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            var org = services.GetRequiredService<OrgContext>();
            if (org.IsPending)
            {
                // The org entry rides with the first statement (ADR 0025): SQL checks the role there, before it runs.
                services.GetRequiredService<Database.DbSession>().RequireRoleOnEntry(roles, message);
                return next(context);
            }

            return allowed(org.Role) ? next(context) : throw new ForbiddenException(message);
        };
    }
}
