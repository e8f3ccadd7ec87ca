-- Anonymous: the token is the credential. Single use under concurrency (one UPDATE claims it).
create or replace function auth.verify_email(p_token_hash bytea)
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

grant execute on function auth.verify_email(bytea) to opsdash_app;
