-- Sessions that behave under real use and under attack:
-- * a refresh token family (one login) has an absolute lifetime;
-- * two tabs refreshing with the same token at once both get the same successor (a short reuse
--   interval, as Auth0 does): the successor token is derived from the old one with a server key,
--   so it can be handed out again without being stored;
-- * a re-used token outside that interval revokes its family, and access tokens carry their family
--   (sid), so a revoked family ends its access tokens too;
-- * access tokens carry the user's security stamp, bumped on every password change and compared
--   for equality (no clocks involved);
-- * logins, lockouts, re-use detections and password changes go to auth.security_events, which a
--   user can list for their own account.

alter table auth.refresh_tokens add column family_expires_at timestamptz;
update auth.refresh_tokens set family_expires_at = created_at + interval '90 days';
alter table auth.refresh_tokens alter column family_expires_at set not null;
alter table auth.refresh_tokens add column successor_hash bytea;

create table auth.security_events (
    id         bigint      generated always as identity,
    user_id    uuid        not null,
    kind       text        not null,
    ip         text,
    user_agent text,
    created_at timestamptz not null default now(),
    constraint pk_security_events primary key (id),
    constraint fk_security_events_user_id foreign key (user_id) references auth.users (id) on delete cascade,
    constraint ck_security_events_kind check (kind in (
        'login_succeeded', 'login_failed', 'account_locked', 'refresh_token_reused', 'password_changed')),
    constraint ck_security_events_ip check (length(ip) <= 64),
    constraint ck_security_events_user_agent check (length(user_agent) <= 512)
);
create index ix_security_events_user_id on auth.security_events (user_id, id desc);

alter table auth.security_events enable row level security;
alter table auth.security_events force row level security;
create policy security_events_self_select on auth.security_events for select to opsdash_app
    using (user_id = core.current_user_id());
grant select on auth.security_events to opsdash_app;

-- Written by the definer functions of the flows below, never by the app directly.
create function auth.record_security_event(p_user uuid, p_kind text, p_ip text, p_user_agent text) returns void
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        insert into auth.security_events (user_id, kind, ip, user_agent)
        select p_user, p_kind, left(p_ip, 64), left(p_user_agent, 512) where p_user is not null
    $$;

-- Login, as in 0023, recording the outcome: a success, a failure, and the failure that locked.
create function auth.finish_login(p_user uuid, p_success boolean, p_ip text, p_user_agent text)
    returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    locked boolean;
begin
    perform auth.finish_password_check(p_user, p_success);
    select u.locked_until > now() and u.failed_login_count = 0 into locked from auth.users u where u.id = p_user;
    perform auth.record_security_event(p_user,
        case when p_success then 'login_succeeded' when locked then 'account_locked' else 'login_failed' end,
        p_ip, p_user_agent);
end $$;

-- Rotation. p_successor_hash is the hash of the token derived from this one; the caller inserts
-- the successor row on 'ok' and hands the same successor out again on 'repeat'.
drop function auth.use_refresh_token(bytea);
create function auth.use_refresh_token(p_token_hash bytea, p_successor_hash bytea, p_reuse_interval interval, p_ip text, p_user_agent text)
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

-- Whether an access token is still good: the user exists, the token carries the user's current
-- security stamp, and its session (refresh family) has not been revoked. True when no user is in play.
create function auth.access_token_is_current(p_user uuid, p_stamp integer, p_family uuid) returns boolean
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

-- changePassword for the caller: new hash, stamp bumped (ends every access token), every refresh
-- token revoked (ends every session), recorded.
create function auth.set_password(p_password_hash text, p_ip text, p_user_agent text) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    stamp integer;
begin
    update auth.users u
       set password_hash = p_password_hash, password_changed_at = now(), security_stamp = u.security_stamp + 1,
           failed_login_count = 0, locked_until = null, lockout_count = 0
     where u.id = caller
    returning u.security_stamp into stamp;
    if stamp is null then
        raise exception 'not authenticated' using errcode = 'OD403';
    end if;
    update auth.refresh_tokens r set revoked_at = now() where r.user_id = caller and r.revoked_at is null;
    perform auth.record_security_event(caller, 'password_changed', p_ip, p_user_agent);
    return stamp;
end $$;

revoke execute on function auth.set_password(text, text, text) from public;
grant execute on function auth.set_password(text, text, text) to opsdash_app;

revoke execute on function auth.record_security_event(uuid, text, text, text), auth.finish_login(uuid, boolean, text, text),
    auth.use_refresh_token(bytea, bytea, interval, text, text), auth.access_token_is_current(uuid, integer, uuid) from public;
grant execute on function auth.finish_login(uuid, boolean, text, text), auth.use_refresh_token(bytea, bytea, interval, text, text),
    auth.access_token_is_current(uuid, integer, uuid) to opsdash_app;

-- Replaced by auth.access_token_is_current: the stamp is compared for equality, no clocks.
drop function auth.session_is_current(uuid, bigint);
