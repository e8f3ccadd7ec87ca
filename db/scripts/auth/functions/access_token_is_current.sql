-- Whether an access token is still good: the user exists, the token carries the user's current
-- security stamp, and its session (refresh family) has not been revoked. True when no user is in play.
create or replace function auth.access_token_is_current(p_user uuid, p_stamp integer, p_family uuid) returns boolean
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    -- plpgsql, not sql: it runs on every request and keeps its plans (see 0016).
    if p_user is null then
        return true;
    end if;
    return exists (select 1 from auth.users u where u.id = p_user and u.security_stamp = p_stamp)
       and not exists (select 1 from auth.refresh_tokens r
                        where p_family is not null and r.family_id = p_family and r.revoked_at is not null);
end $$;

grant execute on function auth.access_token_is_current(uuid, integer, uuid) to opsdash_app;
