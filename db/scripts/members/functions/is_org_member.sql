-- The seed's helpers, for use in SQL and ad-hoc checks.
create or replace function members.is_org_member(p_org_id uuid) returns boolean
    language sql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ select p_org_id = any (members.member_org_ids()) $$;

grant execute on function members.is_org_member(uuid) to opsdash_app;
