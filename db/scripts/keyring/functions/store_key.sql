-- Keys are only added (a revocation is an element of its own); nothing updates or deletes them.
create or replace function keyring.store_key(p_friendly_name text, p_xml text) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform keyring.require_key_ring_caller();
    insert into keyring.data_protection_keys (friendly_name, xml) values (p_friendly_name, p_xml);
end $$;

grant execute on function keyring.store_key(text, text) to opsdash_jobs;
