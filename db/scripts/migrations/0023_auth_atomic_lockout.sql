-- Password guesses are counted BEFORE they are checked, in one statement under the user's row
-- lock: an attempt first reserves a slot (failed_login_count + 1); the attempt that fills the
-- last slot also sets the lock. So however many guesses arrive at once, at most p_max are ever
-- evaluated per lockout window; a correct password clears the count, the lock and the back-off.
-- The lock doubles with each consecutive lockout (base, 2x, 4x, ... up to a cap), so an attacker
-- who knows only an email locks its owner out briefly, not for long; the per-IP rate limit bounds
-- how fast they can do it.

alter table auth.users add column lockout_count integer not null default 0;
-- Bumped on every password change and carried in access tokens (see 0024_auth_sessions.sql).
alter table auth.users add column security_stamp integer not null default 0;

-- Reserves one password check for the user. Returns the password hash when the check may run,
-- null when the account is locked (then nothing is evaluated).
create function auth.reserve_password_check(p_user uuid, p_max integer, p_base interval, p_cap interval)
    returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    u record;
    failed integer;
begin
    select x.password_hash, x.failed_login_count, x.locked_until, x.lockout_count into u
      from auth.users x where x.id = p_user for update;
    if not found or u.locked_until > now() then
        return null;
    end if;
    -- A lock that has run out starts a new window.
    failed := case when u.locked_until is not null then 0 else u.failed_login_count end + 1;
    if failed >= p_max then
        update auth.users x
           set failed_login_count = 0,
               locked_until = now() + least(p_cap, p_base * power(2, least(u.lockout_count, 20))),
               lockout_count = u.lockout_count + 1
         where x.id = p_user;
    else
        update auth.users x set failed_login_count = failed, locked_until = null where x.id = p_user;
    end if;
    return u.password_hash;
end $$;

-- login, step one: the account for an email and a reserved check. Unknown and locked accounts
-- both come back with a null hash; the caller verifies against a dummy hash then, so every path
-- does the same work.
create function auth.begin_login(p_email text, p_max integer, p_base interval, p_cap interval)
    returns table (id uuid, password_hash text, security_stamp integer)
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select u.id, auth.reserve_password_check(u.id, p_max, p_base, p_cap), u.security_stamp
          from (select null) one
          left join auth.users u on u.email = lower(btrim(p_email))
    $$;

-- A correct password: the reserved slot is given back and the back-off forgotten. A wrong one
-- stays counted. Called with a null user for unknown emails, so both paths cost the same.
create function auth.finish_password_check(p_user uuid, p_success boolean)
    returns void
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        update auth.users u
           set failed_login_count = 0, locked_until = null, lockout_count = 0
         where p_success and u.id = p_user
    $$;

revoke execute on function auth.reserve_password_check(uuid, integer, interval, interval),
    auth.begin_login(text, integer, interval, interval), auth.finish_password_check(uuid, boolean) from public;
grant execute on function auth.begin_login(text, integer, interval, interval), auth.finish_password_check(uuid, boolean) to opsdash_app;

-- Replaced by begin_login / finish_password_check above.
drop function auth.login_candidate(text);
drop function auth.record_login_failure(uuid, integer, interval);
