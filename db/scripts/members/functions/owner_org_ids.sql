create or replace function members.owner_org_ids() returns uuid[]
    language plpgsql stable parallel safe
    set search_path = pg_catalog, pg_temp
    as $$ begin return members.caller_org_ids(array['owner']); end $$;

grant execute on function members.owner_org_ids() to opsdash_app;
