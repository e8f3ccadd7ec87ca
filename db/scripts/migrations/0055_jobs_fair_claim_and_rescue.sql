-- Issue 17: (1) fair claims by org, (2) a worker that dies does not spend the attempts of the jobs it
-- had claimed but not started.
--
-- (1) One org's flood of jobs must not delay another org's jobs. Every queue used to be one FIFO
-- (priority, run_at, id): 100,000 jobs of one org put every other org's email, enrichment and workflow
-- step behind them.
--
-- Start-time fair queueing by org: each job gets a place in line, fair_at, when it is queued. A job due
-- now takes the head of the line (the earliest place among the queue's pending jobs) unless its org
-- already has jobs waiting, in which case it goes a fair-share interval behind the org's last one. So
-- an org with nothing pending is served next, and an org with a backlog is served one job per interval
-- of the line, in turn with every other org that has work. Within one org the order stays first in,
-- first out. A job scheduled for later takes its run_at as its place (or behind its org's last). The
-- claim takes due jobs in (priority, fair_at, id) order; it never holds a due job back while workers
-- are idle, fair_at only orders them.
alter table jobs.jobs add column fair_at timestamptz not null default now(),
    -- (2) When the worker started the job (reported in batches, jobs.mark_started); null while claimed and unstarted.
    add column started_at timestamptz,
    -- (2) Times a job was rescued from a dead worker before it was reported started.
    add column rescues integer not null default 0;
alter table jobs.jobs alter column fair_at drop default;
update jobs.jobs set fair_at = run_at where state in ('available', 'retryable');

-- The distance between two places of one org in the line. Every org's backlog is spread at the same
-- interval, so orgs with work are served in turn; it only matters against jobs scheduled for later,
-- whose place is their run_at.
create function jobs.fair_share_interval() returns interval
    language sql immutable
    as $$ select interval '20 milliseconds' $$;

-- The claim's scan, and the org's last place in line.
create index ix_jobs_queue__fair on jobs.jobs (queue, priority, fair_at, id) include (run_at)
    where state in ('available', 'retryable');
create index ix_jobs_org_id__fair on jobs.jobs (queue, org_id, fair_at)
    where state in ('available', 'retryable');
drop index jobs.ix_jobs_queue__due;

-- Every insert, whoever makes it (enqueue, enqueue_unique, the schedules, a DBA): rows inserted
-- earlier by the same statement are visible here, so a bulk insert is spread out too. Definer: the
-- org's last place is read whatever the inserting role may see of jobs.jobs.
create function jobs.place_in_line() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_head timestamptz;
    v_last timestamptz;
    v_base timestamptz := new.run_at;
begin
    if tg_op = 'INSERT' then
        if new.run_at <= now() then
            select j.fair_at into v_head
              from jobs.jobs j
             where j.queue = new.queue and j.state in ('available', 'retryable')
             order by j.priority, j.fair_at
             limit 1;
            v_base := least(new.run_at, coalesce(v_head, new.run_at));
        end if;
        if new.org_id is not null then
            select j.fair_at into v_last
              from jobs.jobs j
             where j.queue = new.queue and j.org_id = new.org_id and j.state in ('available', 'retryable')
             order by j.fair_at desc
             limit 1;
        end if;
        new.fair_at := greatest(v_base, v_last + jobs.fair_share_interval());
    else
        -- A retry or a rescue is due later: it keeps its place unless its run_at is later still.
        new.fair_at := greatest(old.fair_at, new.run_at);
    end if;
    return new;
end $$;

create trigger jobs_place_in_line before insert or update of run_at on jobs.jobs
    for each row execute function jobs.place_in_line();

-- Same signature, rights and answers as 0033, in fair order; the rows come back in that order, which
-- is the order the worker starts them.
create or replace function jobs.claim(p_queue text, p_worker text, p_limit integer)
    returns table (id bigint, kind text, args jsonb, org_id uuid, attempt integer, max_attempts integer)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
#variable_conflict use_column
begin
    return query
        with picked as (
            select j.id from jobs.jobs j
             where j.queue = p_queue and j.state in ('available', 'retryable') and j.run_at <= now()
             order by j.priority, j.fair_at, j.id
             limit p_limit
             for update skip locked),
        claimed as (
            update jobs.jobs j
               set state = 'running', attempt = j.attempt + 1, attempted_at = now(), heartbeat_at = now(), worker_id = p_worker,
                   started_at = null
              from picked
             where j.id = picked.id
            returning j.id, j.kind, j.args, j.org_id, j.attempt, j.max_attempts, j.priority, j.fair_at)
        select c.id, c.kind, c.args, c.org_id, c.attempt, c.max_attempts
          from claimed c
         order by c.priority, c.fair_at, c.id;
end $$;

-- (2) A worker claims more jobs than it runs at once (prefetch) and reports which it started, in batches,
-- once they have run a moment (a job that finishes quickly is reported by its completion instead).
create function jobs.mark_started(p_worker text, p_ids bigint[]) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_count integer;
begin
    update jobs.jobs j
       set started_at = coalesce(j.started_at, now())
      from unnest(p_ids) as held(id)
     where j.id = held.id and j.state = 'running' and j.worker_id = p_worker;
    get diagnostics v_count = row_count;
    return v_count;
end $$;

-- Jobs whose worker stopped heartbeating go back to the queue. A job the worker had started spent its
-- attempt (dead when it was the last: it may be what killed the worker). A job it had only claimed gets
-- the attempt back, so one job that crashes a worker never fails the jobs prefetched beside it; a job
-- rescued ten times is dead all the same, so one that crashes its worker before it is reported started
-- cannot come back forever. A job still heartbeating is never touched.
create or replace function jobs.rescue(p_stale interval) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_count integer;
begin
    with stale as (
        select j.id,
               case when j.started_at is null then j.attempt - 1 else j.attempt end as attempt,
               j.rescues + 1 as rescues
          from jobs.jobs j
         where j.state = 'running' and j.heartbeat_at < now() - p_stale
           for update skip locked)
    update jobs.jobs j
       set state = case when s.attempt >= j.max_attempts or s.rescues >= 10 then 'dead' else 'retryable' end,
           finished_at = case when s.attempt >= j.max_attempts or s.rescues >= 10 then now() end,
           attempt = s.attempt, rescues = s.rescues,
           run_at = now(), last_error = 'rescued: worker ' || j.worker_id || ' stopped heartbeating'
                                        || case when j.started_at is null then ' before it started this job' else '' end,
           heartbeat_at = null
      from stale s
     where j.id = s.id;
    get diagnostics v_count = row_count;
    return v_count;
end $$;

revoke execute on function jobs.mark_started(text, bigint[]) from public;
grant execute on function jobs.mark_started(text, bigint[]) to opsdash_jobs;
