create or replace trigger companies_touch before update on crm.companies for each row execute function core.touch_updated_at();

create or replace trigger companies_metadata_valid before insert or update of metadata on crm.companies
    for each row execute function crm.check_company_metadata();
