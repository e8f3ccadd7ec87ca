using Microsoft.AspNetCore.Routing;

namespace OpsDash.Modules.Organizations.Workspaces;

internal static class WorkspaceRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
    }
}
