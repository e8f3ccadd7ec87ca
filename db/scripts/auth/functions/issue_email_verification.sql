-- A new verification for the caller's own account; earlier unused ones stop working.
create or replace function auth.issue_email_verification(p_token_hash bytea, p_valid_for interval)
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

grant execute on function auth.issue_email_verification(bytea, interval) to opsdash_app;
