-- A place for a transfer of the current org, or null when p_max of them hold a live lease. Takers of
-- one org queue on a transaction lock for the moment this takes, so a burst can never pass p_max; the
-- caller commits at once (the place must be visible to the others, and the lock released).
create or replace function crm.take_transfer(p_kind text, p_max integer, p_lease_seconds integer) returns uuid
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org constant uuid := core.current_org_id();
    v_id uuid;
begin
    if v_org is null or not v_org = any (members.member_org_ids()) then
        raise exception 'Organization not found' using errcode = 'OD404';
    end if;
    if p_max < 1 or p_lease_seconds < 1 then
        raise exception 'A transfer needs at least one place and a lease' using errcode = 'OD400', hint = 'transfers';
    end if;
    perform pg_advisory_xact_lock(hashtextextended('transfers:' || v_org::text, 0));
    delete from crm.transfers t where t.org_id = v_org and t.expires_at <= clock_timestamp();
    if (select count(*) from crm.transfers t where t.org_id = v_org) >= p_max then
        return null;
    end if;
    v_id := gen_random_uuid();
    insert into crm.transfers (org_id, id, kind, user_id, expires_at)
    values (v_org, v_id, p_kind, core.current_user_id(), clock_timestamp() + make_interval(secs => p_lease_seconds));
    return v_id;
end $$;

grant execute on function crm.take_transfer(text, integer, integer) to opsdash_app;
