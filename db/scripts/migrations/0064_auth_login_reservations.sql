-- The lockout, safe from its own callers (issue 17). Until now auth.begin_login took the policy
-- (how many guesses, how long a lock) as parameters, and auth.finish_login / finish_password_check
-- took a user id: any caller of the app role could reset any user's lockout, or lock with a policy
-- of its choosing. Now:
-- * the policy is a row of auth.lockout_policy, read by the functions themselves;
-- * begin_login returns a reservation (a random id, a row bound to the user it was made for), and
--   finish_login settles that reservation only: once (the row is deleted), for its own user, and
--   only as a success when a password check was actually reserved (never for a locked account).

-- One row. A DBA changes the policy with an update, e.g.
--   update auth.lockout_policy set max_failed_logins = 10;
create table auth.lockout_policy (
    id                boolean  not null default true,
    max_failed_logins integer  not null default 5,
    base_lockout      interval not null default interval '1 minute',
    max_lockout       interval not null default interval '15 minutes',
    constraint pk_lockout_policy primary key (id),
    constraint ck_lockout_policy_id check (id),
    constraint ck_lockout_policy_max_failed_logins check (max_failed_logins between 1 and 1000),
    constraint ck_lockout_policy_base_lockout check (base_lockout > interval '0'),
    constraint ck_lockout_policy_max_lockout check (max_lockout >= base_lockout)
);
insert into auth.lockout_policy default values;
alter table auth.lockout_policy enable row level security;
alter table auth.lockout_policy force row level security;

-- A reserved password check, between begin_login and finish_login (the same transaction: a login
-- commits both or neither). checked is false for a locked account: nothing was reserved.
create table auth.login_reservations (
    id         uuid        not null default gen_random_uuid(),
    user_id    uuid        not null,
    checked    boolean     not null,
    created_at timestamptz not null default now(),
    constraint pk_login_reservations primary key (id),
    constraint fk_login_reservations_user_id foreign key (user_id) references auth.users (id) on delete cascade
);
create index ix_login_reservations_user_id on auth.login_reservations (user_id);
alter table auth.login_reservations enable row level security;
alter table auth.login_reservations force row level security;

-- The lock columns change only through the functions below (and set_password), never by a request
-- acting as the user.
revoke update (failed_login_count, locked_until) on auth.users from opsdash_app;

drop function auth.finish_login(uuid, boolean, text, text);
drop function auth.finish_password_check(uuid, boolean);
drop function auth.begin_login(text, integer, interval, interval);
drop function auth.reserve_password_check(uuid, integer, interval, interval);

-- As in 0023, with the policy from auth.lockout_policy: reserves one password check (counted as a
-- failure until it succeeds; the check that fills the last slot sets the lock) under the user's row
-- lock. Returns the password hash when the check may run, null when the account is locked.
create function auth.reserve_password_check(p_user uuid)
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

-- login, step one: a reservation for the account with this email and, when it is not locked, its
-- password hash. Unknown and locked accounts both come back with a null hash (an unknown email with
-- a reservation id bound to nothing); the caller verifies against a dummy hash then, so every path
-- does the same work.
create function auth.begin_login(p_email text)
    returns table (reservation_id uuid, password_hash text, security_stamp integer)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_user uuid;
    v_stamp integer;
    v_hash text;
    v_reservation uuid;
begin
    select u.id, u.security_stamp into v_user, v_stamp from auth.users u where u.email = lower(btrim(p_email));
    if v_user is null then
        return query select gen_random_uuid(), null::text, null::integer;
        return;
    end if;
    v_hash := auth.reserve_password_check(v_user);
    -- Reservations are settled in the transaction that made them; one left behind is void after 5 minutes.
    delete from auth.login_reservations r where r.user_id = v_user and r.created_at < now() - interval '5 minutes';
    insert into auth.login_reservations (user_id, checked) values (v_user, v_hash is not null)
    returning id into v_reservation;
    return query select v_reservation, v_hash, v_stamp;
end $$;

-- login, step two: settles the reservation, once. A correct password (p_success) on a reserved check
-- gives the slot back and forgets the back-off; a wrong one stays counted. Records the outcome in the
-- user's security log and returns the user on success, null otherwise (also for an unknown, used or
-- stale reservation, which change nothing).
create function auth.finish_login(p_reservation uuid, p_success boolean, p_ip text, p_user_agent text)
    returns uuid
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    r auth.login_reservations;
    ok boolean;
    locked boolean;
begin
    delete from auth.login_reservations x where x.id = p_reservation returning x.* into r;
    if not found then
        return null;
    end if;
    ok := coalesce(p_success, false) and r.checked and r.created_at > now() - interval '5 minutes';
    if ok then
        update auth.users u set failed_login_count = 0, locked_until = null, lockout_count = 0 where u.id = r.user_id;
    end if;
    select u.locked_until > now() and u.failed_login_count = 0 into locked from auth.users u where u.id = r.user_id;
    perform auth.record_security_event(r.user_id,
        case when ok then 'login_succeeded' when locked then 'account_locked' else 'login_failed' end,
        p_ip, p_user_agent);
    return case when ok then r.user_id end;
end $$;

revoke execute on function auth.reserve_password_check(uuid), auth.begin_login(text),
    auth.finish_login(uuid, boolean, text, text) from public;
grant execute on function auth.begin_login(text), auth.finish_login(uuid, boolean, text, text) to opsdash_app;
