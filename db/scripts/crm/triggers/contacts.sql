-- Only rows with a company call the check (an import's rows have none: no function call per row).
create or replace trigger contacts_company_live before insert or update of company_id on crm.contacts
    for each row when (new.company_id is not null) execute function crm.check_contact_company();

create or replace trigger contacts_touch before update of first_name, last_name, email, phone, title, company_id, owner_user_id, tags, deleted_at
    on crm.contacts for each row execute function core.touch_updated_at();

-- crm.daily_counts (0088): new contacts per UTC day, for the dashboard.
create or replace trigger contacts_count_insert after insert on crm.contacts referencing new table as new_rows
    for each statement execute function crm.count_daily_records();
create or replace trigger contacts_count_update after update on crm.contacts referencing old table as old_rows new table as new_rows
    for each statement execute function crm.count_daily_records();
create or replace trigger contacts_count_delete after delete on crm.contacts referencing old table as old_rows
    for each statement execute function crm.count_daily_records();
