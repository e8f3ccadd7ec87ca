create or replace function keyring.read_keys() returns table (friendly_name text, xml text)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform keyring.require_key_ring_caller();
    return query select k.friendly_name, k.xml from keyring.data_protection_keys k order by k.id;
end $$;

grant execute on function keyring.read_keys() to opsdash_jobs;
