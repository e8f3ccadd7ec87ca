-- Refresh tokens of sessions that ended more than p_keep ago, a whole family (one login) at a time.
-- A session ends when it is revoked (logout, password change, re-use detected: every token of the
-- family is revoked at once) or when none of its tokens can be exchanged any more (its absolute
-- lifetime or its newest token expired). Rows of a live session stay, used ones included: a used
-- token presented again is how theft is detected. A revoked family must outlive the access tokens
-- it issued, which auth.access_token_is_current refuses by that revocation, hence at least a day.
create or replace function auth.purge_refresh_tokens(p_keep interval) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_deleted integer;
begin
    if not core.is_system() then
        raise exception 'only background work purges refresh tokens' using errcode = '42501';
    end if;
    if p_keep is null or p_keep < interval '1 day' then
        raise exception 'retention must be at least one day' using errcode = '22023';
    end if;

    delete from auth.refresh_tokens r
     where r.family_id in (
        select t.family_id from auth.refresh_tokens t
         group by t.family_id
        having coalesce(min(t.revoked_at), least(max(t.family_expires_at), max(t.expires_at))) < now() - p_keep);
    get diagnostics v_deleted = row_count;
    return v_deleted;
end $$;

grant execute on function auth.purge_refresh_tokens(interval) to opsdash_jobs;
