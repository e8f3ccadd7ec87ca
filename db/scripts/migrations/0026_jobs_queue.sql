-- The durable job queue (issue 8, ADR 0009). One row per job; a DBA reads jobs.jobs directly.
-- Requests enqueue through jobs.enqueue (in their own transaction, so a rolled-back request leaves
-- no job); only opsdash_jobs claims, completes, fails, heartbeats and rescues, through definer
-- functions executable by that role alone.
create schema jobs authorization opsdash_owner;
grant usage on schema jobs to opsdash_app;

create table jobs.jobs (
    id           bigint      generated always as identity,
    kind         text        not null,
    args         jsonb       not null default '{}',
    org_id       uuid,
    queue        text        not null default 'default',
    state        text        not null default 'available',
    priority     smallint    not null default 0,
    attempt      integer     not null default 0,
    max_attempts integer     not null default 10,
    run_at       timestamptz not null default now(),
    unique_key   text,
    last_error   text,
    attempted_at timestamptz,
    heartbeat_at timestamptz,
    finished_at  timestamptz,
    created_at   timestamptz not null default now(),
    worker_id    text,
    constraint pk_jobs primary key (id),
    constraint fk_jobs_org_id foreign key (org_id) references organizations.organizations (id) on delete cascade,
    constraint ck_jobs_kind check (kind ~ '^[a-z_]+(\.[a-z_]+)+$'),
    constraint ck_jobs_queue check (queue ~ '^[a-z_]+$'),
    constraint ck_jobs_state check (state in ('available', 'running', 'completed', 'retryable', 'dead', 'cancelled')),
    constraint ck_jobs_attempt check (attempt >= 0 and attempt <= max_attempts),
    constraint ck_jobs_max_attempts check (max_attempts between 1 and 100),
    constraint ck_jobs_unique_key check (unique_key is null or length(unique_key) between 1 and 200),
    constraint ck_jobs_last_error check (length(last_error) <= 4000),
    -- A running job always has the worker that claimed it and its last sign of life.
    constraint ck_jobs_worker_id check (state <> 'running' or (worker_id is not null and heartbeat_at is not null))
);

create index ix_jobs_org_id on jobs.jobs (org_id);
-- The claim's scan: what is due, in claim order.
create index ix_jobs_queue__due on jobs.jobs (queue, priority, run_at, id) where state in ('available', 'retryable');
create index ix_jobs_heartbeat_at__running on jobs.jobs (heartbeat_at) where state = 'running';
-- A unique key de-duplicates jobs that have not finished: per kind and org, so one org cannot
-- block another's job by guessing its key.
create unique index uq_jobs_unique_key on jobs.jobs (unique_key, kind, org_id) nulls not distinct
    where unique_key is not null and state in ('available', 'running', 'retryable');

alter table jobs.jobs enable row level security;
alter table jobs.jobs force row level security;

-- Same rule as the outbox: a request inserts only for the org it acts in and writes to (or for no
-- org when it acts in none); only the system context reads or updates.
create policy jobs_insert on jobs.jobs for insert to opsdash_app
    with check (core.is_system()
                or (org_id is null and core.current_org_id() is null)
                or (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[])));
create policy jobs_system_select on jobs.jobs for select to opsdash_app using (core.is_system());
create policy jobs_system_update on jobs.jobs for update to opsdash_app using (core.is_system()) with check (core.is_system());

grant select, insert, update on jobs.jobs to opsdash_app;

-- Wakes idle workers (LISTEN jobs) when a job becomes due now; a notification is sent at commit,
-- so a rolled-back enqueue wakes nobody, and PostgreSQL folds duplicates within one transaction.
create function jobs.notify_due() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform pg_notify('jobs', new.queue);
    return null;
end $$;

create trigger jobs_notify_due after insert or update of state, run_at on jobs.jobs
    for each row when (new.state in ('available', 'retryable') and new.run_at <= now())
    execute function jobs.notify_due();

-- Enqueue in the caller's transaction and context: org_id is the context's org, never a parameter.
-- Definer (RETURNING would need a select policy requests do not have), so it applies the insert
-- policy's rule itself. Null: a pending job of that kind and org has the same unique key.
create function jobs.enqueue(p_kind text, p_args jsonb, p_queue text, p_priority smallint, p_max_attempts integer,
                             p_run_at timestamptz, p_unique_key text) returns bigint
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_id bigint;
begin
    if not (core.is_system() or v_org is null or v_org = any (members.writer_org_ids())) then
        raise exception 'only a writer of the org may enqueue its jobs' using errcode = '42501';
    end if;
    insert into jobs.jobs (kind, args, org_id, queue, priority, max_attempts, run_at, unique_key)
    values (p_kind, p_args, v_org, p_queue, p_priority, p_max_attempts, coalesce(p_run_at, now()), p_unique_key)
    on conflict (unique_key, kind, org_id) where unique_key is not null and state in ('available', 'running', 'retryable')
    do nothing
    returning id into v_id;
    return v_id;
end $$;

-- Claims up to p_limit due jobs of one queue; concurrent claimers skip each other's rows.
create function jobs.claim(p_queue text, p_worker text, p_limit integer)
    returns table (id bigint, kind text, args jsonb, org_id uuid, attempt integer, max_attempts integer)
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        with picked as (
            select j.id from jobs.jobs j
             where j.queue = p_queue and j.state in ('available', 'retryable') and j.run_at <= now()
             order by j.priority, j.run_at, j.id
             limit p_limit
             for update skip locked)
        update jobs.jobs j
           set state = 'running', attempt = j.attempt + 1, attempted_at = now(), heartbeat_at = now(), worker_id = p_worker
          from picked
         where j.id = picked.id
        returning j.id, j.kind, j.args, j.org_id, j.attempt, j.max_attempts
    $$;

-- Batch completion. Only the worker that holds the job completes it: a job rescued from a worker
-- presumed dead and claimed by another is not completed by the first one's late report.
create function jobs.complete(p_worker text, p_ids bigint[]) returns integer
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        with done as (
            update jobs.jobs
               set state = 'completed', finished_at = now(), heartbeat_at = null
             where id = any (p_ids) and state = 'running' and worker_id = p_worker
            returning 1)
        select count(*)::integer from done
    $$;

-- A failed attempt: retry at p_retry_at, or dead when it is null (a permanent failure) or the
-- attempts are used up.
create function jobs.fail(p_id bigint, p_worker text, p_error text, p_retry_at timestamptz) returns text
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        update jobs.jobs
           set state = case when p_retry_at is null or attempt >= max_attempts then 'dead' else 'retryable' end,
               run_at = coalesce(p_retry_at, run_at),
               last_error = left(p_error, 4000),
               finished_at = case when p_retry_at is null or attempt >= max_attempts then now() end,
               heartbeat_at = null
         where id = p_id and state = 'running' and worker_id = p_worker
        returning state
    $$;

create function jobs.heartbeat(p_worker text, p_ids bigint[]) returns integer
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        with beat as (
            update jobs.jobs set heartbeat_at = now()
             where id = any (p_ids) and state = 'running' and worker_id = p_worker
            returning 1)
        select count(*)::integer from beat
    $$;

-- Jobs whose worker stopped heartbeating go back to the queue (or die when out of attempts).
-- A job still heartbeating is never touched, so it never runs twice at once.
create function jobs.rescue(p_stale interval) returns integer
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        with rescued as (
            update jobs.jobs
               set state = case when attempt >= max_attempts then 'dead' else 'retryable' end,
                   finished_at = case when attempt >= max_attempts then now() end,
                   run_at = now(), last_error = 'rescued: worker ' || worker_id || ' stopped heartbeating',
                   heartbeat_at = null
             where state = 'running' and heartbeat_at < now() - p_stale
            returning 1)
        select count(*)::integer from rescued
    $$;

revoke execute on function jobs.notify_due(), jobs.enqueue(text, jsonb, text, smallint, integer, timestamptz, text),
    jobs.claim(text, text, integer), jobs.complete(text, bigint[]), jobs.fail(bigint, text, text, timestamptz),
    jobs.heartbeat(text, bigint[]), jobs.rescue(interval) from public;
grant execute on function jobs.enqueue(text, jsonb, text, smallint, integer, timestamptz, text) to opsdash_app;
-- opsdash_app is not a member of opsdash_jobs: requests cannot claim or settle jobs.
grant execute on function jobs.claim(text, text, integer), jobs.complete(text, bigint[]), jobs.fail(bigint, text, text, timestamptz),
    jobs.heartbeat(text, bigint[]), jobs.rescue(interval) to opsdash_jobs;
