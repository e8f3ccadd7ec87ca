using OpsDash.Modules.Crm.Activities;
using OpsDash.Modules.Crm.Companies;
using OpsDash.Modules.Crm.Companies.Enrichment;
using OpsDash.Modules.Crm.Contacts;
using OpsDash.Modules.Crm.Contacts.Import;
using OpsDash.Modules.Crm.CustomFields;
using OpsDash.Modules.Crm.Deals;
using OpsDash.Modules.Crm.Leads;
using OpsDash.Modules.Crm.Pipeline;
using OpsDash.Modules.Crm.Quotes;
using OpsDash.Modules.Crm.Settings;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Crm;

internal static class CrmRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var contacts = api.MapOrgGroup().WithTag("Contacts", "CRM contacts: list, search, create, update, soft-delete, bulk actions.").AcceptApiKeys("crm");
        ListContacts.Map(contacts);
        ExportContacts.Map(contacts);
        GetContact.Map(contacts);
        CreateContact.Map(contacts);
        UpdateContact.Map(contacts);
        DeleteContact.Map(contacts);
        BulkUpdateContacts.Map(contacts);
        BulkDeleteContacts.Map(contacts);
        ImportContacts.Map(contacts);

        var companies = api.MapOrgGroup().WithTag("Companies", "CRM companies and their custom fields.").AcceptApiKeys("crm");
        ListCompanyPicker.Map(companies);
        ListCompanies.Map(companies);
        GetCompany.Map(companies);
        GetCompanyWithRelated.Map(companies);
        CreateCompany.Map(companies);
        UpdateCompany.Map(companies);
        DeleteCompany.Map(companies);
        EnrichCompany.Map(companies);
        GetCompanyEnrichment.Map(companies);
        ListCustomFields.Map(companies);
        CreateCustomField.Map(companies);
        DeleteCustomField.Map(companies);

        var leads = api.MapOrgGroup().WithTag("Leads", "CRM leads: list, create, update, soft-delete, and the one-time conversion into a contact and a deal.").AcceptApiKeys("crm");
        ListLeads.Map(leads);
        GetLead.Map(leads);
        CreateLead.Map(leads);
        UpdateLead.Map(leads);
        DeleteLead.Map(leads);
        ConvertLead.Map(leads);

        var deals = api.MapOrgGroup().WithTag("Deals", "CRM deals, the pipeline they move through, activities and CRM settings.").AcceptApiKeys("crm");
        ListPipelineStages.Map(deals);
        CreatePipelineStage.Map(deals);
        UpdatePipelineStage.Map(deals);
        ReorderPipelineStages.Map(deals);
        DeletePipelineStage.Map(deals);
        ListDeals.Map(deals);
        ListAtRiskDeals.Map(deals);
        GetDeal.Map(deals);
        CreateDeal.Map(deals);
        UpdateDeal.Map(deals);
        DeleteDeal.Map(deals);
        ChangeDealStage.Map(deals);
        ListActivities.Map(deals);
        CreateActivity.Map(deals);
        CrmSettings.Map(deals);

        var quotes = api.MapOrgGroup().WithTag("Quotes", "Deal quotes (Pro): items, totals to the cent, and the PDF.").AcceptApiKeys("crm");
        CreateDealQuote.Map(quotes);
        ListDealQuotes.Map(quotes);
        GetQuote.Map(quotes);
        DeleteQuote.Map(quotes);
        ExportQuotePdf.Map(quotes);
    }
}
