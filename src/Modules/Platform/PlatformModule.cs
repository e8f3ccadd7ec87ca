using Carter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Platform.ApiKeys;
using OpsDash.Modules.Platform.Dashboard;
using OpsDash.Modules.Platform.InboundHooks;
using OpsDash.Modules.Platform.Insights;
using OpsDash.Modules.Platform.Jobs;
using OpsDash.Modules.Platform.OrgData;
using OpsDash.Modules.Platform.Operations;
using OpsDash.Modules.Platform.Webhooks;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Modules;
using OpsDash.SharedKernel.Schedules;

namespace OpsDash.Modules.Platform;

/// <summary>Platform features: the dashboard and insights (composed from CRM's and Projects' contracts), API keys, inbound and outbound webhooks, and the visibility of background jobs (org admins, operators, /ops pages).</summary>
public sealed class PlatformModule : ICarterModule, IModuleServices, IPageModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<JobsSummary>();
        services.AddScoped<BillingSummary>();
        services.AddOpsSession(configuration);
        services.AddValidatorsFromAssemblyContaining<PlatformModule>(ServiceLifetime.Singleton, includeInternalTypes: true);
        WebhookRoutes.AddServices(services, configuration);
        services.AddSingleton(OrgDataSettings.From(configuration));
        services.AddSingleton<ExportLinks>();
        services.AddScoped<OrgExportWriter>();
        services.AddScoped<OrgRestorer>();
        services.AddJobHandler<ExportOrg, ExportOrgHandler>(timeout: TimeSpan.FromHours(1));
        services.AddJobHandler<PurgeOrgExports, PurgeOrgExportsHandler>();
        services.AddRecurringJob<PurgeOrgExports>(PurgeOrgExports.ScheduleName, "0 50 3 * * ?");
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

        var exports = app.MapOrgGroup().WithTag("Exports", "A full export of an organization's data as a ZIP of CSV files, and its import into a new organization.");
        ExportEndpoints.Map(exports);
        ImportOrg.Map(exports);
        DownloadExport.Map(app);

        var ops = app.MapGroup("/ops").WithTags("Jobs").RequireAuthorization();
        GetJobsSummary.Map(ops);

        WebhookRoutes.Map(app);
    }

    public void AddPages(IEndpointRouteBuilder root) => OpsPages.Map(root);
}
