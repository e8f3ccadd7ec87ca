-- convertLeadToContactAndDeal, step 1: lock the live lead and hand back what the contact and deal are
-- made of. Runs as the caller, under row-level security: another org's lead is simply not found.
create or replace function crm.begin_lead_conversion(p_org uuid, p_lead uuid)
    returns table (name text, email text, phone text, company_name text, owner_user_id uuid, source text)
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    l record;
begin
    select x.name, x.email, x.phone, x.company_name, x.owner_user_id, x.source, x.converted_at into l
      from crm.leads x
     where x.org_id = p_org and x.id = p_lead and x.deleted_at is null
       for update;
    if not found then
        raise exception 'Lead not found' using errcode = 'OD404';
    end if;
    if l.converted_at is not null then
        raise exception 'This lead has already been converted' using errcode = 'OD409', hint = 'lead_already_converted';
    end if;
    return query select l.name, l.email, l.phone, l.company_name, l.owner_user_id, l.source;
end $$;

grant execute on function crm.begin_lead_conversion(uuid, uuid) to opsdash_app;
