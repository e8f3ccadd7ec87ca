-- Stage, contact and company must be live ones of the org (the foreign keys alone accept deleted
-- rows); status follows the stage.
create or replace function crm.check_deal_links() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
declare
    s record;
begin
    if core.restoring() then
        return new; -- an organization import keeps the exported values (ADR 0023)
    end if;
    if tg_op = 'INSERT' or new.stage_id is distinct from old.stage_id then
        select st.is_won, st.is_lost into s from crm.pipeline_stages st
         where st.org_id = new.org_id and st.id = new.stage_id and st.deleted_at is null;
        if not found then
            raise exception 'Stage not found' using errcode = 'OD404';
        end if;
        new.status := case when s.is_won then 'won' when s.is_lost then 'lost' else 'open' end;
        new.stage_changed_at := now();
    end if;
    if new.contact_id is not null and (tg_op = 'INSERT' or new.contact_id is distinct from old.contact_id)
       and not exists (select 1 from crm.contacts c where c.org_id = new.org_id and c.id = new.contact_id and c.deleted_at is null) then
        raise exception 'Contact not found' using errcode = 'OD404';
    end if;
    if new.company_id is not null and (tg_op = 'INSERT' or new.company_id is distinct from old.company_id)
       and not exists (select 1 from crm.companies c where c.org_id = new.org_id and c.id = new.company_id and c.deleted_at is null) then
        raise exception 'Company not found' using errcode = 'OD404';
    end if;
    return new;
end $$;
