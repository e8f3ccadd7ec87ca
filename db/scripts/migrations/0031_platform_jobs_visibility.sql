-- Visibility of the job queue (issue 8, ADR 0012): org admins list, retry and discard their org's
-- jobs; platform operators (a DBA-granted table) see every org's jobs summarised, and a DBA reads
-- the same summary from the views jobs.summary and jobs.throughput.
create schema platform authorization opsdash_owner;
grant usage on schema platform to opsdash_app;

-- Who may see and act on every org's jobs. Granted by a DBA (no API writes it, so no account can
-- make itself an operator), keyed by user id so an email change cannot confer or keep the role.
create table platform.operators (
    user_id    uuid        not null,
    granted_at timestamptz not null default now(),
    note       text,
    constraint pk_operators primary key (user_id),
    constraint fk_operators_user_id foreign key (user_id) references auth.users (id) on delete cascade,
    constraint ck_operators_note check (length(note) <= 500)
);

alter table platform.operators enable row level security;
alter table platform.operators force row level security;
-- No policy and no grant: the app learns only its own answer, through platform.is_operator().

create function platform.is_operator() returns boolean
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return exists (select 1 from platform.operators o where o.user_id = core.current_user_id());
end $$;

-- Org admins read their org's jobs directly (the API never selects args; they may hold sealed secrets).
create policy jobs_admin_select on jobs.jobs for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.admin_org_ids())::uuid[]));

-- The org's job list pages newest first by id; this index serves it and the foreign key.
create index ix_jobs_org_id__id on jobs.jobs (org_id, id);
drop index if exists jobs.ix_jobs_org_id;

-- One definition of the summary: what a DBA queries and what the operators' endpoint and page read.
-- Owned by opsdash_owner (which bypasses RLS), so it covers every org; no grant to the app role.
create view jobs.summary as
    select j.kind, j.state, count(*) as jobs,
           now() - min(j.run_at) filter (where j.state in ('available', 'retryable') and j.run_at <= now()) as oldest_pending_age,
           count(*) filter (where j.finished_at > now() - interval '1 minute') as finished_last_minute
      from jobs.jobs j
     group by j.kind, j.state;

-- Finished jobs per minute over the last hour, every minute present (zero when idle). One scan of
-- the hour's finished jobs, grouped, then laid over the 60 minutes.
create view jobs.throughput as
    with finished as (
        select date_trunc('minute', j.finished_at) as minute,
               count(*) filter (where j.state = 'completed') as completed,
               count(*) filter (where j.state in ('dead', 'cancelled')) as failed
          from jobs.jobs j
         where j.finished_at >= date_trunc('minute', now()) - interval '59 minutes'
         group by 1)
    select m.minute, coalesce(f.completed, 0) as completed, coalesce(f.failed, 0) as failed
      from generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') m(minute)
      left join finished f on f.minute = m.minute;

create function platform.require_operator() returns void
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not platform.is_operator() then
        raise exception 'Only platform operators can do this.' using errcode = 'OD403';
    end if;
end $$;

create function platform.jobs_summary()
    returns table (kind text, state text, jobs bigint, oldest_pending_age interval, finished_last_minute bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query select s.kind, s.state, s.jobs, s.oldest_pending_age, s.finished_last_minute from jobs.summary s;
end $$;

create function platform.jobs_throughput() returns table (minute timestamptz, completed bigint, failed bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query select t.minute, t.completed, t.failed from jobs.throughput t order by t.minute;
end $$;

-- Dead and retryable jobs of every org, newest failure first, for operators. No args.
create function platform.failed_jobs(p_limit integer)
    returns table (id bigint, kind text, org_slug text, state text, attempt integer, max_attempts integer,
                   last_error text, run_at timestamptz, finished_at timestamptz)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query
        select j.id, j.kind, o.slug, j.state, j.attempt, j.max_attempts, j.last_error, j.run_at, j.finished_at
          from jobs.jobs j
          left join organizations.organizations o on o.id = j.org_id
         where j.state in ('dead', 'retryable')
         order by coalesce(j.finished_at, j.attempted_at, j.created_at) desc, j.id desc
         limit least(greatest(p_limit, 1), 500);
end $$;

-- The one place a job's state is changed by a person. Locks the row, so a worker settling it at the
-- same moment either goes first (and the state check sees its result) or waits.
-- retry: a dead or cancelled job runs again, due now, with its attempts reset.
-- discard: a dead or retryable job is cancelled and never runs again.
create function platform.change_job(p_id bigint, p_org_id uuid, p_action text)
    returns table (id bigint, kind text, queue text, state text, priority smallint, attempt integer, max_attempts integer,
                   run_at timestamptz, last_error text, attempted_at timestamptz, finished_at timestamptz, created_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_state text;
begin
    select j.state into v_state from jobs.jobs j
     where j.id = p_id and (p_org_id is null or j.org_id = p_org_id)
       for update;
    if v_state is null then
        raise exception 'Job not found.' using errcode = 'OD404';
    end if;
    if p_action = 'retry' then
        if v_state not in ('dead', 'cancelled') then
            raise exception 'Only a dead or cancelled job can be retried; this one is %.', v_state
                using errcode = 'OD409', hint = 'job_not_retryable';
        end if;
        begin
            update jobs.jobs j
               set state = 'available', run_at = now(), attempt = 0, finished_at = null, heartbeat_at = null, worker_id = null
             where j.id = p_id;
        exception when unique_violation then
            raise exception 'A pending job of the same kind already has this unique key.'
                using errcode = 'OD409', hint = 'job_duplicate_pending';
        end;
    elsif p_action = 'discard' then
        if v_state not in ('dead', 'retryable') then
            raise exception 'Only a dead or retryable job can be discarded; this one is %.', v_state
                using errcode = 'OD409', hint = 'job_not_discardable';
        end if;
        update jobs.jobs j set state = 'cancelled', finished_at = now() where j.id = p_id;
    else
        raise exception 'Unknown action "%".', p_action using errcode = 'OD400', hint = 'action';
    end if;
    return query
        select j.id, j.kind, j.queue, j.state, j.priority, j.attempt, j.max_attempts, j.run_at, j.last_error,
               j.attempted_at, j.finished_at, j.created_at
          from jobs.jobs j where j.id = p_id;
end $$;

-- For an org admin, in the org the request acts in: a job of any other org is not found.
create function platform.change_org_job(p_org_id uuid, p_id bigint, p_action text)
    returns table (id bigint, kind text, queue text, state text, priority smallint, attempt integer, max_attempts integer,
                   run_at timestamptz, last_error text, attempted_at timestamptz, finished_at timestamptz, created_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if p_org_id is distinct from core.current_org_id() or not members.is_org_member(p_org_id) then
        raise exception 'Job not found.' using errcode = 'OD404';
    end if;
    if not members.is_org_admin(p_org_id) then
        raise exception 'Only owners and admins can do this.' using errcode = 'OD403';
    end if;
    return query select * from platform.change_job(p_id, p_org_id, p_action);
end $$;

-- For a platform operator, any org's job.
create function platform.change_any_job(p_id bigint, p_action text)
    returns table (id bigint, kind text, queue text, state text, priority smallint, attempt integer, max_attempts integer,
                   run_at timestamptz, last_error text, attempted_at timestamptz, finished_at timestamptz, created_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query select * from platform.change_job(p_id, null, p_action);
end $$;

revoke execute on function platform.is_operator(), platform.require_operator(), platform.jobs_summary(), platform.jobs_throughput(),
    platform.failed_jobs(integer), platform.change_job(bigint, uuid, text), platform.change_org_job(uuid, bigint, text),
    platform.change_any_job(bigint, text) from public;
-- change_job checks nobody: only the two callers above, which do, may reach it.
grant execute on function platform.is_operator(), platform.jobs_summary(), platform.jobs_throughput(), platform.failed_jobs(integer),
    platform.change_org_job(uuid, bigint, text), platform.change_any_job(bigint, text) to opsdash_app;
