-- Every page request: 'ok' when the session is the caller's, not ended, seen within p_idle (and
-- now seen again), and the caller is still an operator; 'ended' or 'not_operator' otherwise.
create or replace function platform.use_ops_session(p_session uuid, p_idle interval) returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    update platform.ops_sessions s set last_seen_at = now()
     where s.id = p_session and s.user_id = core.current_user_id()
       and s.ended_at is null and s.last_seen_at > now() - p_idle;
    if not found then
        return 'ended';
    end if;
    return case when platform.is_operator() then 'ok' else 'not_operator' end;
end $$;

grant execute on function platform.use_ops_session(uuid, interval) to opsdash_app;
