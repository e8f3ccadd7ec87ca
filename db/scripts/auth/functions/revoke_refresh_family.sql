-- Logout: possession of the refresh token is the proof; its whole family ends.
create or replace function auth.revoke_refresh_family(p_token_hash bytea)
    returns void
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        update auth.refresh_tokens r set revoked_at = coalesce(r.revoked_at, now())
         where r.family_id = (select x.family_id from auth.refresh_tokens x where x.token_hash = p_token_hash)
    $$;

grant execute on function auth.revoke_refresh_family(bytea) to opsdash_app;
