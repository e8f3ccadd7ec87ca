using Carter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Platform.Jobs;
using OpsDash.Modules.Platform.Operations;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Platform;

/// <summary>Platform features; for now the visibility of background jobs (org admins, operators, /ops pages).</summary>
public sealed class PlatformModule : ICarterModule, IModuleServices, IPageModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<JobsSummary>();
        services.AddScoped<BillingSummary>();
        services.AddOpsSession(configuration);
        services.AddValidatorsFromAssemblyContaining<PlatformModule>(ServiceLifetime.Singleton, includeInternalTypes: true);
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var org = app.MapOrgGroup().WithTag("Jobs", "Background jobs: an organization's jobs for its admins, and the platform operators' summary.");
        ListOrgJobs.Map(org);
        RetryJob.Map(org);
        DiscardJob.Map(org);

        var ops = app.MapGroup("/ops").WithTags("Jobs").RequireAuthorization();
        GetJobsSummary.Map(ops);
    }

    public void AddPages(IEndpointRouteBuilder root) => OpsPages.Map(root);
}
