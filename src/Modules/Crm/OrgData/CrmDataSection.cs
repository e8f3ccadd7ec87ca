using OpsDash.Modules.Platform.Contracts;
using static OpsDash.Modules.Platform.Contracts.CellKind;

namespace OpsDash.Modules.Crm.OrgData;

/// <summary>CRM's tables in an organization export and import (ADR 0023), parents before children.</summary>
internal sealed class CrmDataSection(DbSession db, FeatureAccess features) : IOrgDataSection
{
    private const string HasDataSql = """
        select exists (select 1 from crm.custom_fields where org_id = core.current_org_id())
            or exists (select 1 from crm.companies where org_id = core.current_org_id())
            or exists (select 1 from crm.contacts where org_id = core.current_org_id())
            or exists (select 1 from crm.pipeline_stages where org_id = core.current_org_id())
            or exists (select 1 from crm.deals where org_id = core.current_org_id())
            or exists (select 1 from crm.leads where org_id = core.current_org_id())
            or exists (select 1 from crm.activities where org_id = core.current_org_id())
            or exists (select 1 from crm.quotes where org_id = core.current_org_id())
        """;

    // Quote numbers go on from the highest imported one, without gaps.
    private const string QuoteNumbersSql = """
        insert into crm.quote_numbers (org_id, last_number)
        select core.current_org_id(), max(number) from crm.quotes where org_id = core.current_org_id() having max(number) is not null
        on conflict (org_id) do update set last_number = excluded.last_number
        """;

    private const string CountContactsSql = "select count(*) from crm.contacts where org_id = core.current_org_id() and deleted_at is null";
    private const string CountCompaniesSql = "select count(*) from crm.companies where org_id = core.current_org_id() and deleted_at is null";
    private const string CountDealsSql = "select count(*) from crm.deals where org_id = core.current_org_id() and deleted_at is null";
    private const string CountLeadsSql = "select count(*) from crm.leads where org_id = core.current_org_id() and deleted_at is null";

    private static readonly IReadOnlyList<OrgDataTable> AllTables =
    [
        new("crm/custom_fields.csv", "crm.custom_fields", "id",
            [new("id", Id), new("entity", Value), new("key", Value), new("label", Text), new("field_type", Value), new("options", Value), new("required", Value), new("created_at", Value)]),
        new("crm/companies.csv", "crm.companies", "id",
            [new("id", Id), new("name", Text), new("domain", Text), new("industry", Text), new("size", Value), new("website", Text), new("metadata", Value),
             new("enrichment", Value), new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("crm/contacts.csv", "crm.contacts", "id",
            [new("id", Id), new("first_name", Text), new("last_name", Text), new("email", Text), new("phone", Text), new("title", Text), new("company_id", Id),
             new("owner_user_id", User), new("tags", Value), new("last_activity_at", Value), new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("crm/pipeline_stages.csv", "crm.pipeline_stages", "id",
            [new("id", Id), new("name", Text), new("position", Value), new("is_won", Value), new("is_lost", Value), new("probability", Value),
             new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("crm/deals.csv", "crm.deals", "id",
            [new("id", Id), new("title", Text), new("stage_id", Id), new("status", Value), new("contact_id", Id), new("company_id", Id), new("owner_user_id", User),
             new("amount", Value), new("currency", Value), new("expected_close_date", Value), new("last_activity_at", Value), new("stage_changed_at", Value),
             new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("crm/deal_stage_history.csv", "crm.deal_stage_history", "id",
            [new("id", Generated), new("deal_id", Id), new("from_stage_id", Id), new("to_stage_id", Id), new("changed_by_user_id", User), new("changed_at", Value)]),
        new("crm/leads.csv", "crm.leads", "id",
            [new("id", Id), new("name", Text), new("email", Text), new("phone", Text), new("company_name", Text), new("source", Text), new("status", Value),
             new("owner_user_id", User), new("notes", Text), new("converted_at", Value), new("converted_contact_id", Id), new("converted_deal_id", Id),
             new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("crm/activities.csv", "crm.activities", "id",
            [new("id", Id), new("kind", Value), new("subject", Text), new("body", Text), new("contact_id", Id), new("deal_id", Id), new("occurred_at", Value),
             new("created_by_user_id", User), new("created_at", Value)]),
        new("crm/quotes.csv", "crm.quotes", "id",
            [new("id", Id), new("deal_id", Id), new("number", Value), new("title", Text), new("currency", Value), new("issued_on", Value), new("valid_until", Value),
             new("notes", Text), new("status", Value), new("created_by", User), new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("crm/quote_items.csv", "crm.quote_items", "quote_id, position",
            [new("quote_id", Id), new("position", Value), new("description", Text), new("quantity", Value), new("unit_price", Value),
             new("discount_percent", Value), new("tax_percent", Value)]),
    ];

    public int Order => 20;

    public IReadOnlyList<OrgDataTable> Tables => AllTables;

    public Task<bool> HasDataAsync(CancellationToken ct) => db.QuerySingleAsync<bool>(HasDataSql, ct: ct);

    public async Task AfterRestoreAsync(CancellationToken ct)
    {
        await db.ExecuteAsync(QuoteNumbersSql, ct: ct);
        await features.CheckUsageLimitAsync("crm:contacts", () => db.QuerySingleAsync<long>(CountContactsSql, ct: ct), adding: 0, ct);
        await features.CheckUsageLimitAsync("crm:companies", () => db.QuerySingleAsync<long>(CountCompaniesSql, ct: ct), adding: 0, ct);
        await features.CheckUsageLimitAsync("crm:deals", () => db.QuerySingleAsync<long>(CountDealsSql, ct: ct), adding: 0, ct);
        await features.CheckUsageLimitAsync("crm:leads", () => db.QuerySingleAsync<long>(CountLeadsSql, ct: ct), adding: 0, ct);
    }
}
