create or replace function members.caller_org_ids(p_roles text[]) returns uuid[]
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
declare
    ids uuid[];
begin
    select coalesce(array_agg(m.org_id), '{}') into ids
      from members.org_members m
      join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
     where m.user_id = core.current_user_id() and m.role = any (p_roles);
    return ids || members.job_org_ids() || members.api_key_org_ids(p_roles) || members.inbound_hook_org_ids(p_roles);
end $$;

grant execute on function members.caller_org_ids(text[]) to opsdash_app;
