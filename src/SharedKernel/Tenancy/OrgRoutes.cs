using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Tenancy;

public static class OrgRoutes
{
    /// <summary><c>/orgs/{slug}</c> under the API group: authenticated, org resolved, membership required.</summary>
    public static RouteGroupBuilder MapOrgGroup(this IEndpointRouteBuilder api, string prefix = "") =>
        api.MapGroup("/orgs/{slug}" + prefix)
            .RequireAuthorization()
            .AddEndpointFilter<OrgScopeFilter>()
            .ProducesError(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
}
