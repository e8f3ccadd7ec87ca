-- Step 2, in the same transaction: mark the lead converted into the contact and deal just written.
-- Security definer because the app role may not write the converted_* columns directly.
create or replace function crm.finish_lead_conversion(p_org uuid, p_lead uuid, p_contact uuid, p_deal uuid) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not (p_org = core.current_org_id() and p_org = any (members.writer_org_ids())) then
        raise exception 'Lead not found' using errcode = 'OD404';
    end if;
    update crm.leads l
       set status = 'converted', converted_at = now(), converted_contact_id = p_contact, converted_deal_id = p_deal
     where l.org_id = p_org and l.id = p_lead and l.deleted_at is null and l.converted_at is null;
    if not found then
        raise exception 'This lead has already been converted' using errcode = 'OD409', hint = 'lead_already_converted';
    end if;
end $$;

grant execute on function crm.finish_lead_conversion(uuid, uuid, uuid, uuid) to opsdash_app;
