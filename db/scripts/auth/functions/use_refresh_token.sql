create or replace function auth.use_refresh_token(p_token_hash bytea, p_successor_hash bytea, p_reuse_interval interval, p_ip text, p_user_agent text)
    returns table (status text, user_id uuid, family_id uuid, family_expires_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    t auth.refresh_tokens;
begin
    select * into t from auth.refresh_tokens r where r.token_hash = p_token_hash for update;
    if not found then
        return query select 'invalid'::text, null::uuid, null::uuid, null::timestamptz;
    elsif t.revoked_at is null and t.used_at is not null and t.used_at > now() - p_reuse_interval
          and t.successor_hash = p_successor_hash and t.family_expires_at > now() then
        return query select 'repeat'::text, t.user_id, t.family_id, t.family_expires_at;
    elsif t.used_at is not null or t.revoked_at is not null then
        update auth.refresh_tokens r set revoked_at = coalesce(r.revoked_at, now()) where r.family_id = t.family_id;
        perform auth.record_security_event(t.user_id, 'refresh_token_reused', p_ip, p_user_agent);
        return query select 'reused'::text, t.user_id, t.family_id, t.family_expires_at;
    elsif t.expires_at <= now() or t.family_expires_at <= now() then
        return query select 'expired'::text, t.user_id, t.family_id, t.family_expires_at;
    else
        update auth.refresh_tokens r set used_at = now(), successor_hash = p_successor_hash where r.id = t.id;
        return query select 'ok'::text, t.user_id, t.family_id, t.family_expires_at;
    end if;
end $$;

grant execute on function auth.use_refresh_token(bytea, bytea, interval, text, text) to opsdash_app;
