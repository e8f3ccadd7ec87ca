-- Who hears that the org's webhook endpoint was disabled (issue 19): its owners and admins. For an admin of the
-- org the request or job acts in (a job's org counts through admin_org_ids); nobody else learns who they are.
create or replace function platform.webhook_admins() returns setof uuid
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
begin
    if v_org is null or not (v_org = any (members.admin_org_ids())) then
        return;
    end if;
    return query select m.user_id from members.org_members m where m.org_id = v_org and m.role in ('owner', 'admin') order by m.user_id;
end $$;

grant execute on function platform.webhook_admins() to opsdash_app;
