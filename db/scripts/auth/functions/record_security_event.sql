-- Written by the definer functions of the flows below, never by the app directly.
create or replace function auth.record_security_event(p_user uuid, p_kind text, p_ip text, p_user_agent text) returns void
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        insert into auth.security_events (user_id, kind, ip, user_agent)
        select p_user, p_kind, left(p_ip, 64), left(p_user_agent, 512) where p_user is not null
    $$;
