create or replace function members.is_org_admin(p_org_id uuid) returns boolean
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ select p_org_id = any (members.admin_org_ids()) $$;

grant execute on function members.is_org_admin(uuid) to opsdash_app;
