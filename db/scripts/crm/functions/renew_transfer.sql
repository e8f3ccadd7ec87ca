-- Extends a running transfer's lease; false when it is gone (its lease ran out and another took its place).
create or replace function crm.renew_transfer(p_id uuid, p_lease_seconds integer) returns boolean
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    update crm.transfers t set expires_at = clock_timestamp() + make_interval(secs => p_lease_seconds)
     where t.org_id = core.current_org_id() and t.id = p_id;
    return found;
end $$;

grant execute on function crm.renew_transfer(uuid, integer) to opsdash_app;
