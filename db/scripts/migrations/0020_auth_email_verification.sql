-- Email verification: a single-use, hashed, expiring token mailed through the outbox. Accepting
-- an invitation requires a verified address (members.accept_invitation), so signing up with
-- someone else's address is not enough to take their invitations.

alter table auth.users add column email_verified_at timestamptz;

create table auth.email_verifications (
    id         uuid        not null default gen_random_uuid(),
    user_id    uuid        not null,
    -- SHA-256 of the token; the token itself is only ever in the emailed link
    token_hash bytea       not null,
    expires_at timestamptz not null,
    used_at    timestamptz,
    created_at timestamptz not null default now(),
    constraint pk_email_verifications primary key (id),
    constraint uq_email_verifications_token_hash unique (token_hash),
    constraint fk_email_verifications_user_id foreign key (user_id) references auth.users (id) on delete cascade
);
create index ix_email_verifications_user_id on auth.email_verifications (user_id);

alter table auth.email_verifications enable row level security;
alter table auth.email_verifications force row level security;
-- No grants: the two definer functions below are the only way in.

-- A new verification for the caller's own account; earlier unused ones stop working.
create function auth.issue_email_verification(p_token_hash bytea, p_valid_for interval)
    returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    v_email text;
    v_verified timestamptz;
begin
    select u.email, u.email_verified_at into v_email, v_verified from auth.users u where u.id = caller for update;
    if not found then
        raise exception 'not authenticated' using errcode = 'OD403';
    end if;
    if v_verified is not null then
        raise exception 'This email address is already verified.' using errcode = 'OD409', hint = 'already_verified';
    end if;
    update auth.email_verifications v set used_at = now() where v.user_id = caller and v.used_at is null;
    insert into auth.email_verifications (user_id, token_hash, expires_at) values (caller, p_token_hash, now() + p_valid_for);
    return v_email;
end $$;

-- Anonymous: the token is the credential. Single use under concurrency (one UPDATE claims it).
create function auth.verify_email(p_token_hash bytea)
    returns uuid
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_user uuid;
begin
    update auth.email_verifications v set used_at = now()
     where v.token_hash = p_token_hash and v.used_at is null and v.expires_at > now()
    returning v.user_id into v_user;
    if v_user is null then
        raise exception 'This verification link is invalid, used or expired.' using errcode = 'OD404';
    end if;
    update auth.users u set email_verified_at = coalesce(u.email_verified_at, now()) where u.id = v_user;
    return v_user;
end $$;

revoke execute on function auth.issue_email_verification(bytea, interval), auth.verify_email(bytea) from public;
grant execute on function auth.issue_email_verification(bytea, interval), auth.verify_email(bytea) to opsdash_app;
