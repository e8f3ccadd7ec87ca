using System.Reflection;
using Carter;

namespace OpsDash.SharedKernel.Modules;

/// <summary>
/// What the module assemblies hold: the Carter modules (types, for Carter to create and map), the service
/// registrations and the page modules (one instance per class). Ordered by full type name, so the routes
/// are mapped, and the OpenAPI document written, in the same order on every start.
/// </summary>
public sealed record ModuleCatalog(
    IReadOnlyList<Assembly> Assemblies,
    IReadOnlyList<Type> RouteModules,
    IReadOnlyList<IModuleServices> Services,
    IReadOnlyList<IPageModule> Pages)
{
    public static ModuleCatalog Discover(IEnumerable<Assembly> assemblies)
    {
        var loaded = assemblies.ToList();
        var types = loaded
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false })
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        var instances = types
            .Where(t => typeof(IModuleServices).IsAssignableFrom(t) || typeof(IPageModule).IsAssignableFrom(t))
            .Select(Activator.CreateInstance)
            .ToList();
        return new ModuleCatalog(
            loaded,
            [.. types.Where(typeof(ICarterModule).IsAssignableFrom)],
            [.. instances.OfType<IModuleServices>()],
            [.. instances.OfType<IPageModule>()]);
    }
}
