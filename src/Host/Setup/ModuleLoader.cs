using System.Reflection;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Host.Setup;

public static class ModuleLoader
{
    /// <summary>
    /// Every module assembly next to the Host (OpsDash.Modules.*.dll). Scanning files, not references,
    /// because the compiler drops references to assemblies the Host never names in code.
    /// </summary>
    public static ModuleCatalog LoadAll() =>
        ModuleCatalog.Discover(Directory
            .GetFiles(AppContext.BaseDirectory, "OpsDash.Modules.*.dll")
            .Where(f => !f.Contains(".Contracts.", StringComparison.Ordinal))
            .Select(f => Assembly.Load(AssemblyName.GetAssemblyName(f))));
}
