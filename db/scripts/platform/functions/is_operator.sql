create or replace function platform.is_operator() returns boolean
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return exists (select 1 from platform.operators o where o.user_id = core.current_user_id());
end $$;

grant execute on function platform.is_operator() to opsdash_app;
