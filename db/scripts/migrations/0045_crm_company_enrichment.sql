-- Issue 9 item 2, enrichment: what a provider (or the deterministic fallback) found about a
-- company, with its provenance (source, status, when). Its own column, not a key of metadata:
-- metadata holds only the org's custom fields (crm.check_company_metadata) and is replaced whole
-- by updateCompany, which would drop or reject a system-written key.
alter table crm.companies
    add column enrichment jsonb constraint ck_companies_enrichment check (jsonb_typeof(enrichment) = 'object');

grant update (enrichment) on crm.companies to opsdash_app;
