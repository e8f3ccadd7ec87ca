-- With the policy from auth.lockout_policy: reserves one password check (counted as a
-- failure until it succeeds; the check that fills the last slot sets the lock) under the user's row
-- lock. Returns the password hash when the check may run, null when the account is locked.
create or replace function auth.reserve_password_check(p_user uuid)
    returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    u record;
    policy auth.lockout_policy;
    failed integer;
begin
    select * into policy from auth.lockout_policy;
    select x.password_hash, x.failed_login_count, x.locked_until, x.lockout_count into u
      from auth.users x where x.id = p_user for update;
    if not found or u.locked_until > now() then
        return null;
    end if;
    -- A lock that has run out starts a new window.
    failed := case when u.locked_until is not null then 0 else u.failed_login_count end + 1;
    if failed >= policy.max_failed_logins then
        update auth.users x
           set failed_login_count = 0,
               locked_until = now() + least(policy.max_lockout, policy.base_lockout * power(2, least(u.lockout_count, 20))),
               lockout_count = u.lockout_count + 1
         where x.id = p_user;
    else
        update auth.users x set failed_login_count = failed, locked_until = null where x.id = p_user;
    end if;
    return u.password_hash;
end $$;
