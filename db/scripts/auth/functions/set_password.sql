-- changePassword for the caller: new hash, stamp bumped (ends every access token), every refresh
-- token revoked (ends every session), recorded.
create or replace function auth.set_password(p_password_hash text, p_ip text, p_user_agent text) returns integer
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

grant execute on function auth.set_password(text, text, text) to opsdash_app;
