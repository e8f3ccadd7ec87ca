using Carter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Platform.Dashboard;
using OpsDash.Modules.Platform.Insights;
using OpsDash.Modules.Platform.ApiKeys;
using OpsDash.Modules.Platform.InboundHooks;
using OpsDash.Modules.Platform.Jobs;
using OpsDash.Modules.Platform.Operations;
using OpsDash.Modules.Platform.Webhooks;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Platform;

/// <summary>Platform features: the dashboard and insights (composed from CRM's and Projects' contracts), API keys, inbound and outbound webhooks, and the visibility of background jobs (org admins, operators, /ops pages).</summary>
public sealed class PlatformModule : ICarterModule, IModuleServices, IPageModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<JobsSummary>();
        services.AddOpsSession(configuration);
        services.AddValidatorsFromAssemblyContaining<PlatformModule>(ServiceLifetime.Singleton, includeInternalTypes: true);
        WebhookRoutes.AddServices(services, configuration);
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var org = app.MapOrgGroup().WithTag("Jobs", "Background jobs: an organization's jobs for its admins, and the platform operators' summary.");
        ListOrgJobs.Map(org);
        RetryJob.Map(org);
        DiscardJob.Map(org);

        var dashboard = app.MapOrgGroup().WithTag("Dashboard", "KPIs of the organization and rule-based, explained insights with their thresholds.");
        GetDashboard.Map(dashboard);
        GetInsights.Map(dashboard);
        InsightSettings.Map(dashboard);

        ApiKeysRoutes.Map(app);
        InboundHooksRoutes.Map(app);

        var ops = app.MapGroup("/ops").WithTags("Jobs").RequireAuthorization();
        GetJobsSummary.Map(ops);

        WebhookRoutes.Map(app);
    }

    public void AddPages(IEndpointRouteBuilder root) => OpsPages.Map(root);
}
