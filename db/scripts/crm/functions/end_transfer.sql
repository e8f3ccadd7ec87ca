-- Frees the place of a finished transfer (the id is the request's own random uuid).
create or replace function crm.end_transfer(p_id uuid) returns boolean
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    delete from crm.transfers t where t.org_id = core.current_org_id() and t.id = p_id;
    return found;
end $$;

grant execute on function crm.end_transfer(uuid) to opsdash_app;
