create or replace function members.admin_org_ids() returns uuid[]
    language plpgsql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ begin return members.caller_org_ids(array['owner', 'admin']); end $$;

grant execute on function members.admin_org_ids() to opsdash_app;
