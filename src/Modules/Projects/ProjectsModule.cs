using OpsDash.Modules.Projects.OrgData;
using OpsDash.Modules.Platform.Contracts;
using Carter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Projects;

/// <summary>Projects: projects, tasks, milestones and time entries; reads CRM only through its contract.</summary>
public sealed class ProjectsModule : ICarterModule, IModuleServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<ProjectsModule>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<IProjectsDirectory, ProjectsDirectory>();
        services.AddScoped<IProjectsInsights, Insights.ProjectsInsights>();
        services.AddScoped<IProjectActions, ProjectActions>();
        services.AddScoped<IOrgDataSection, ProjectsDataSection>();
    }

    public void AddRoutes(IEndpointRouteBuilder app) => ProjectsRoutes.Map(app);
}
