using OpsDash.Modules.Crm.Companies;
using OpsDash.Modules.Crm.Contacts;
using OpsDash.Modules.Crm.Contacts.Import;
using OpsDash.Modules.Crm.CustomFields;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Crm;

internal static class CrmRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var contacts = api.MapOrgGroup().WithTag("Contacts", "CRM contacts: list, search, create, update, soft-delete, bulk actions.");
        ListContacts.Map(contacts);
        GetContact.Map(contacts);
        CreateContact.Map(contacts);
        UpdateContact.Map(contacts);
        DeleteContact.Map(contacts);
        BulkUpdateContacts.Map(contacts);
        BulkDeleteContacts.Map(contacts);
        ImportContacts.Map(contacts);

        var companies = api.MapOrgGroup().WithTag("Companies", "CRM companies and their custom fields.");
        ListCompanyPicker.Map(companies);
        ListCompanies.Map(companies);
        GetCompany.Map(companies);
        GetCompanyWithRelated.Map(companies);
        CreateCompany.Map(companies);
        UpdateCompany.Map(companies);
        DeleteCompany.Map(companies);
        ListCustomFields.Map(companies);
        CreateCustomField.Map(companies);
        DeleteCustomField.Map(companies);
    }
}
