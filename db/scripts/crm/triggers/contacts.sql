create or replace trigger contacts_company_live before insert or update of company_id on crm.contacts
    for each row execute function crm.check_contact_company();

create or replace trigger contacts_touch before update of first_name, last_name, email, phone, title, company_id, owner_user_id, tags, deleted_at
    on crm.contacts for each row execute function core.touch_updated_at();
