-- auth: credentials and sessions. We own authentication (no Supabase Auth here).
create schema auth;
grant usage on schema auth to opsdash_app;

create table auth.users (
    id                  uuid        primary key,
    email               text        not null check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
    password_hash       text        not null,
    -- signup metadata handed to the signup trigger (Supabase's raw_user_meta_data)
    full_name           text        check (length(full_name) <= 200),
    failed_login_count  integer     not null default 0,
    locked_until        timestamptz,
    password_changed_at timestamptz not null default now(),
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create unique index users_email_key on auth.users (email);
create trigger users_touch before update on auth.users for each row execute function core.touch_updated_at();

-- Opaque refresh tokens, stored as SHA-256 hashes. Rotated on every use; a family is one login.
create table auth.refresh_tokens (
    id          uuid        primary key default gen_random_uuid(),
    user_id     uuid        not null references auth.users (id) on delete cascade,
    family_id   uuid        not null,
    token_hash  bytea       not null unique,
    expires_at  timestamptz not null,
    created_at  timestamptz not null default now(),
    used_at     timestamptz,
    revoked_at  timestamptz
);
create index refresh_tokens_user_idx on auth.refresh_tokens (user_id);
create index refresh_tokens_family_idx on auth.refresh_tokens (family_id);

alter table auth.users enable row level security;
alter table auth.users force row level security;
alter table auth.refresh_tokens enable row level security;
alter table auth.refresh_tokens force row level security;

-- A user sees and changes only their own row; signing up means inserting yourself.
create policy users_self_select on auth.users for select to opsdash_app using (id = core.current_user_id());
create policy users_self_insert on auth.users for insert to opsdash_app with check (id = core.current_user_id());
create policy users_self_update on auth.users for update to opsdash_app
    using (id = core.current_user_id()) with check (id = core.current_user_id());
grant select, insert, update (password_hash, full_name, failed_login_count, locked_until, password_changed_at) on auth.users to opsdash_app;

create policy refresh_tokens_self on auth.refresh_tokens for all to opsdash_app
    using (user_id = core.current_user_id()) with check (user_id = core.current_user_id());
grant select, insert, update (used_at, revoked_at) on auth.refresh_tokens to opsdash_app;

-- Login happens before anyone is known, so the lookup by email is a narrow definer function.
create function auth.login_candidate(p_email text)
    returns table (id uuid, password_hash text, locked_until timestamptz)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select u.id, u.password_hash, u.locked_until from auth.users u where u.email = lower(p_email)
    $$;

-- Counts a failed password; locks the account for p_lock after p_max failures in a row.
create function auth.record_login_failure(p_user uuid, p_max integer, p_lock interval)
    returns timestamptz
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        update auth.users u
           set failed_login_count = case when u.failed_login_count + 1 >= p_max then 0 else u.failed_login_count + 1 end,
               locked_until       = case when u.failed_login_count + 1 >= p_max then now() + p_lock else u.locked_until end
         where u.id = p_user
        returning u.locked_until
    $$;

-- Rotation with re-use detection. Returns the token's user and family when it is live and marks it
-- used; when an already used or revoked token comes back, revokes its whole family (a stolen token
-- was replayed) and returns status 'reused'.
create function auth.use_refresh_token(p_token_hash bytea)
    returns table (status text, user_id uuid, family_id uuid)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    t auth.refresh_tokens;
begin
    select * into t from auth.refresh_tokens r where r.token_hash = p_token_hash for update;
    if not found then
        return query select 'invalid'::text, null::uuid, null::uuid;
    elsif t.used_at is not null or t.revoked_at is not null then
        update auth.refresh_tokens r set revoked_at = coalesce(r.revoked_at, now()) where r.family_id = t.family_id;
        return query select 'reused'::text, t.user_id, t.family_id;
    elsif t.expires_at <= now() then
        return query select 'expired'::text, t.user_id, t.family_id;
    else
        update auth.refresh_tokens r set used_at = now() where r.id = t.id;
        return query select 'ok'::text, t.user_id, t.family_id;
    end if;
end $$;

-- Logout: possession of the refresh token is the proof; its whole family ends.
create function auth.revoke_refresh_family(p_token_hash bytea)
    returns void
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        update auth.refresh_tokens r set revoked_at = coalesce(r.revoked_at, now())
         where r.family_id = (select x.family_id from auth.refresh_tokens x where x.token_hash = p_token_hash)
    $$;

-- Whether an access token issued at p_issued_at_unix (its iat) is still good for p_user: not when
-- the password changed after it was issued, nor when the user is gone. True when no token is in play.
create function auth.session_is_current(p_user uuid, p_issued_at_unix bigint) returns boolean
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select p_user is null or p_issued_at_unix is null or exists (
            select 1 from auth.users u
             where u.id = p_user and date_trunc('second', u.password_changed_at) <= to_timestamp(p_issued_at_unix))
    $$;

revoke execute on function auth.session_is_current(uuid, bigint) from public;
grant execute on function auth.session_is_current(uuid, bigint) to opsdash_app;

revoke execute on function auth.login_candidate(text), auth.record_login_failure(uuid, integer, interval),
    auth.use_refresh_token(bytea), auth.revoke_refresh_family(bytea) from public;
grant execute on function auth.login_candidate(text), auth.record_login_failure(uuid, integer, interval),
    auth.use_refresh_token(bytea), auth.revoke_refresh_family(bytea) to opsdash_app;
