-- Sign-in, after the password check made the caller the request's user: an operator gets a new
-- session. That operator's sessions that ended more than 30 days ago go, so the table stays small.
create or replace function platform.start_ops_session() returns uuid
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_caller uuid := core.current_user_id();
    v_session uuid := gen_random_uuid();
begin
    perform platform.require_operator();
    delete from platform.ops_sessions s
     where s.user_id = v_caller and coalesce(s.ended_at, s.last_seen_at) < now() - interval '30 days';
    insert into platform.ops_sessions (id, user_id) values (v_session, v_caller);
    return v_session;
end $$;

grant execute on function platform.start_ops_session() to opsdash_app;
