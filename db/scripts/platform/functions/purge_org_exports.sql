-- The periodic purge (ADR 0023): deletes the export rows past their expiry, across orgs, and returns them
-- so the job deletes their files. Background work in the system context only.
create or replace function platform.purge_org_exports(p_limit integer)
    returns table (org_id uuid, id uuid)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not core.is_system() then
        raise exception 'only background work purges exports' using errcode = '42501';
    end if;
    if p_limit is null or p_limit < 1 then
        raise exception 'limit must be positive' using errcode = '22023';
    end if;
    return query
    delete from platform.org_exports e
     where (e.org_id, e.id) in (select x.org_id, x.id from platform.org_exports x
                                 where x.expires_at < now()
                                 limit p_limit)
    returning e.org_id, e.id;
end $$;

revoke execute on function platform.purge_org_exports(integer) from public;
grant execute on function platform.purge_org_exports(integer) to opsdash_jobs;
