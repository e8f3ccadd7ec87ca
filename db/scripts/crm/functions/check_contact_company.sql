-- A contact may point only at a live company of its org (the foreign key alone accepts a deleted one).
create or replace function crm.check_contact_company() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if core.restoring() then
        return new; -- an organization import keeps the exported values (ADR 0023)
    end if;
    if new.company_id is not null
       and (tg_op = 'INSERT' or new.company_id is distinct from old.company_id)
       and not exists (select 1 from crm.companies c
                        where c.org_id = new.org_id and c.id = new.company_id and c.deleted_at is null) then
        raise exception 'Company not found' using errcode = 'OD404';
    end if;
    return new;
end $$;
