using Carter;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Host.Setup;

namespace OpsDash.Tests.Foundation;

/// <summary>How the Host wires the modules it loads from files (ADR 0005): Carter maps their routes, each registers its own services and validators.</summary>
public sealed class ModuleRegistrationTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public void Every_module_is_a_Carter_module_registered_in_full_name_order()
    {
        var carterModules = factory.Services.GetServices<ICarterModule>().Select(m => m.GetType().FullName).ToList();

        Assert.Equal(
            [
                "OpsDash.Modules.Automation.AutomationModule",
                "OpsDash.Modules.Crm.CrmModule",
                "OpsDash.Modules.Members.MembersModule",
                "OpsDash.Modules.Organizations.OrganizationsModule",
                "OpsDash.Modules.Platform.PlatformModule",
                "OpsDash.Modules.Projects.ProjectsModule",
            ],
            carterModules);
        var catalog = ModuleLoader.LoadAll();
        Assert.Equal(carterModules, catalog.Services.Select(m => m.GetType().FullName));
        Assert.Equal(["OpsDash.Modules.Platform.PlatformModule"], catalog.Pages.Select(m => m.GetType().FullName));
    }

    [Fact]
    public void Every_module_validator_is_a_singleton_from_its_modules_scan_and_Carter_registers_none()
    {
        var validators = ModuleLoader.LoadAll().Assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false })
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>))
                .Select(i => (Service: i, Implementation: t)))
            .ToList();
        Assert.True(validators.Count >= 50, $"only {validators.Count} validators found");

        using var first = factory.Services.CreateScope();
        using var second = factory.Services.CreateScope();
        foreach (var (service, implementation) in validators)
        {
            var resolved = first.ServiceProvider.GetServices(service).SingleOrDefault(v => v!.GetType() == implementation);
            Assert.True(resolved is not null, $"{implementation} is not registered as {service}");
            Assert.Same(resolved, second.ServiceProvider.GetServices(service).Single(v => v!.GetType() == implementation));
        }

        // Carter registers its validators as the non-generic IValidator for its IValidatorLocator; ours are checked by Validate<T>().
        Assert.Empty(factory.Services.GetServices<IValidator>());
    }
}
