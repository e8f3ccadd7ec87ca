-- login, step two: settles the reservation, once. A correct password (p_success) on a reserved check
-- gives the slot back and forgets the back-off; a wrong one stays counted. Records the outcome in the
-- user's security log and returns the user on success, null otherwise (also for an unknown, used or
-- stale reservation, which change nothing).
create or replace function auth.finish_login(p_reservation uuid, p_success boolean, p_ip text, p_user_agent text)
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

grant execute on function auth.finish_login(uuid, boolean, text, text) to opsdash_app;
