-- The org an API key request acts in, when the key's role is one of p_roles: the key named by
-- app.api_key_id, of the current org, live (not revoked, not expired) in a live org. Checked on
-- every statement (once, as an InitPlan, like the membership it stands in for), so a key revoked
-- while a request of it runs stops at that request's next statement. A user's request or a job
-- (no app.api_key_id) gets nothing here, at the cost of reading one setting.
create or replace function members.api_key_org_ids(p_roles text[]) returns uuid[]
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_key uuid := core.current_api_key_id();
    v_org uuid := core.current_org_id();
begin
    if v_key is null or v_org is null then
        return '{}'::uuid[];
    end if;
    if exists (
            select 1
              from core.api_keys k
              join organizations.organizations o on o.id = k.org_id and o.deleted_at is null
             where k.org_id = v_org and k.id = v_key and k.revoked_at is null
               and (k.expires_at is null or k.expires_at > now())
               and members.api_key_role(k.scopes) = any (p_roles)) then
        return array[v_org];
    end if;
    return '{}'::uuid[];
end $$;

grant execute on function members.api_key_org_ids(text[]) to opsdash_app;
