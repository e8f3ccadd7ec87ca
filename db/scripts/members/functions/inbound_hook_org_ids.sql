-- The org a request delivering to an inbound hook acts in (ADR 0021), as a writer: it records the delivery and
-- queues the org's webhook_received event, nothing more (the endpoint sends no other statement). Only when
-- p_roles admits a writer ('member'): such a request never reads what members read, nor acts as an admin.
create or replace function members.inbound_hook_org_ids(p_roles text[]) returns uuid[]
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_hook uuid := core.current_inbound_hook_id();
    v_org uuid := core.current_org_id();
begin
    if v_hook is null or v_org is null or not ('member' = any (p_roles)) or 'viewer' = any (p_roles) then
        return '{}'::uuid[];
    end if;
    if exists (
            select 1
              from core.inbound_hooks h
              join organizations.organizations o on o.id = h.org_id and o.deleted_at is null
             where h.org_id = v_org and h.id = v_hook) then
        return array[v_org];
    end if;
    return '{}'::uuid[];
end $$;

grant execute on function members.inbound_hook_org_ids(text[]) to opsdash_app;
