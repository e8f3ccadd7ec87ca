using Microsoft.AspNetCore.Routing;

namespace OpsDash.Modules.Members;

internal static class MemberRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
    }
}
