using Microsoft.AspNetCore.Routing;

namespace OpsDash.SharedKernel.Modules;

/// <summary>
/// A module that also serves browser pages outside <c>/api/v1</c> (server-rendered HTML with a sign-in
/// of its own). The Host maps them at the root, after the API.
/// </summary>
public interface IPageModule
{
    void AddPages(IEndpointRouteBuilder root);
}
