-- Sign-out: the caller's session ends for good.
create or replace function platform.end_ops_session(p_session uuid) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    update platform.ops_sessions s set ended_at = now()
     where s.id = p_session and s.user_id = core.current_user_id() and s.ended_at is null;
end $$;

grant execute on function platform.end_ops_session(uuid) to opsdash_app;
