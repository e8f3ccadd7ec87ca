-- The /ops page sessions, server-side (issue 17). The cookie names a row here; signing out ends
-- the row, so a copy of the cookie (taken before, replayed after) is refused on every Host, which
-- a cookie alone cannot do: it stays valid until it expires. A session also ends after p_idle
-- without a request, whatever the cookie says.
create table platform.ops_sessions (
    id           uuid        not null,
    user_id      uuid        not null,
    created_at   timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    ended_at     timestamptz,
    constraint pk_ops_sessions primary key (id),
    constraint fk_ops_sessions_user_id foreign key (user_id) references auth.users (id) on delete cascade
);
create index ix_ops_sessions_user_id on platform.ops_sessions (user_id);

alter table platform.ops_sessions enable row level security;
alter table platform.ops_sessions force row level security;
-- No policy and no grant: the app reaches its own sessions only through the functions below.

-- Sign-in, after the password check made the caller the request's user: an operator gets a new
-- session. That operator's sessions that ended more than 30 days ago go, so the table stays small.
create function platform.start_ops_session() returns uuid
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

-- Every page request: 'ok' when the session is the caller's, not ended, seen within p_idle (and
-- now seen again), and the caller is still an operator; 'ended' or 'not_operator' otherwise.
create function platform.use_ops_session(p_session uuid, p_idle interval) returns text
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

-- Sign-out: the caller's session ends for good.
create function platform.end_ops_session(p_session uuid) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    update platform.ops_sessions s set ended_at = now()
     where s.id = p_session and s.user_id = core.current_user_id() and s.ended_at is null;
end $$;

revoke execute on function platform.start_ops_session(), platform.use_ops_session(uuid, interval), platform.end_ops_session(uuid) from public;
grant execute on function platform.start_ops_session(), platform.use_ops_session(uuid, interval), platform.end_ops_session(uuid) to opsdash_app;
