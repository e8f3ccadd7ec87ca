using OpsDash.Modules.Crm.OrgData;
using OpsDash.Modules.Platform.Contracts;
using Carter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Crm.Companies.Enrichment;
using OpsDash.Modules.Crm.Contacts.Transfers;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Crm.Quotes.Pdf;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Modules;

namespace OpsDash.Modules.Crm;

/// <summary>CRM: contacts, companies, custom fields, leads, deals and their pipeline, activities, quotes.</summary>
public sealed class CrmModule : ICarterModule, IModuleServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatorsFromAssemblyContaining<CrmModule>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<ICrmDirectory, CrmDirectory>();
        services.AddScoped<ICrmInsights, Insights.CrmInsights>();
        services.AddScoped<ICrmActions, CrmActions>();
        services.AddScoped<IOrgDataSection, CrmDataSection>();
        services.AddSingleton(CsvTransferSettings.From(configuration));
        services.AddScoped<CsvTransfers>();
        services.AddSingleton(configuration.GetSection(ClearbitOptions.SectionName).Get<ClearbitOptions>() ?? new ClearbitOptions());
        services.AddSingleton<ClearbitClient>();
        services.AddSingleton((configuration.GetSection(EnrichmentOptions.SectionName).Get<EnrichmentOptions>() ?? new EnrichmentOptions()).Checked());
        services.AddJobHandler<EnrichCompanyJob, EnrichCompanyHandler>();
        services.AddSingleton(PdfOptions.Apply(configuration));
    }

    public void AddRoutes(IEndpointRouteBuilder app) => CrmRoutes.Map(app);
}
