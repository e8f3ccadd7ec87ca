using System.Reflection;

namespace OpsDash.SharedKernel.Modules;

/// <summary>Finds every <see cref="IModule"/> in the given assemblies.</summary>
public static class ModuleCatalog
{
    public static IReadOnlyList<IModule> Discover(IEnumerable<Assembly> assemblies) =>
        assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IModule).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IModule)Activator.CreateInstance(t)!)
            .ToList();
}
