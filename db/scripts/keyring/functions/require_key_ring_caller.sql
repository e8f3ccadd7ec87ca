create or replace function keyring.require_key_ring_caller() returns void
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if session_user <> 'opsdash_jobs' or core.is_system()
       or core.current_user_id() is not null or core.current_org_id() is not null then
        raise exception 'only the Host''s key ring reads or writes data protection keys' using errcode = '42501';
    end if;
end $$;
