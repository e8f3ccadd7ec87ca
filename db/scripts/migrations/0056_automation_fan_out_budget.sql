-- Issue 17, item 1: bound the work one user action can start through workflows. Loop protection
-- (depth 5, ADR 0016) bounds how long a chain of runs is, not how wide: one workflow of 20 steps that
-- each change a task's status turned one click into ~170,000 runs and ~3.4M step jobs.
--
-- 1. A budget per root event: every run started, directly or through other runs, from one person's
--    action (or one scheduled subject) counts against that action's budget; a run past it is recorded
--    as cut_off with the reason, and runs no step.
-- 2. A rate per org, as a token bucket (GCRA): run starts and step jobs take a slot; over the rate,
--    the work is scheduled later instead of crowding the queue; a run start that would wait longer
--    than the caller allows is cut off.

-- The person's action (or the scheduled subject's event) a run descends from. Null: run before 0056.
alter table automation.workflow_runs add column root_event_id uuid;

create table automation.run_budgets (
    org_id        uuid        not null,
    root_event_id uuid        not null,
    runs          integer     not null constraint ck_run_budgets_runs check (runs >= 1),
    created_at    timestamptz not null default now(),
    constraint pk_run_budgets primary key (org_id, root_event_id),
    constraint fk_run_budgets_org_id foreign key (org_id) references organizations.organizations (id) on delete cascade
);
create index ix_run_budgets_created_at on automation.run_budgets (created_at);

create table automation.rate_buckets (
    org_id uuid        not null,
    bucket text        not null constraint ck_rate_buckets_bucket check (bucket in ('run_start', 'step')),
    -- GCRA's theoretical arrival time: when the bucket is empty again at the org's rate.
    tat    timestamptz not null,
    constraint pk_rate_buckets primary key (org_id, bucket),
    constraint fk_rate_buckets_org_id foreign key (org_id) references organizations.organizations (id) on delete cascade
);

alter table automation.run_budgets enable row level security;
alter table automation.run_budgets force row level security;
alter table automation.rate_buckets enable row level security;
alter table automation.rate_buckets force row level security;

-- Only the org's own jobs (the engine) read or write them.
create policy run_budgets_job on automation.run_budgets for all to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));
create policy rate_buckets_job on automation.rate_buckets for all to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

grant select, insert on automation.run_budgets, automation.rate_buckets to opsdash_app;
grant update (runs) on automation.run_budgets to opsdash_app;
grant update (tat) on automation.rate_buckets to opsdash_app;

-- Takes one run from the root event's budget: true, or false when p_budget runs already descend from it.
-- One statement, so concurrent event jobs of one chain never both take the last run.
create function automation.take_run_budget(p_root uuid, p_budget integer) returns boolean
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    insert into automation.run_budgets as b (org_id, root_event_id, runs)
    values (core.current_org_id(), p_root, 1)
    on conflict (org_id, root_event_id) do update set runs = b.runs + 1 where b.runs < p_budget;
    return found;
end $$;

-- When the org's next unit of p_bucket work may run at p_per_minute with bursts of p_burst: now() while
-- the org is within its rate, later when it is over; null (and nothing taken) when that is more than
-- p_max_wait away. The bucket row is locked until the caller commits, so concurrent jobs of one org
-- take slots one after another; other orgs have their own rows.
create function automation.next_slot(p_bucket text, p_per_minute integer, p_burst integer, p_max_wait interval) returns timestamptz
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_interval interval := interval '1 minute' / greatest(p_per_minute, 1);
    v_tat timestamptz;
    v_at timestamptz;
begin
    insert into automation.rate_buckets (org_id, bucket, tat) values (v_org, p_bucket, now())
    on conflict (org_id, bucket) do nothing;
    select greatest(b.tat, now()) into v_tat
      from automation.rate_buckets b
     where b.org_id = v_org and b.bucket = p_bucket
       for update;
    v_at := greatest(now(), v_tat - v_interval * greatest(p_burst - 1, 0));
    if v_at > now() + p_max_wait then
        return null;
    end if;
    update automation.rate_buckets b set tat = v_tat + v_interval where b.org_id = v_org and b.bucket = p_bucket;
    return v_at;
end $$;

revoke execute on function automation.take_run_budget(uuid, integer), automation.next_slot(text, integer, integer, interval) from public;
grant execute on function automation.take_run_budget(uuid, integer), automation.next_slot(text, integer, integer, interval) to opsdash_app;

-- The purge (0054) also forgets the budgets of root events older than the run retention, as it forgets
-- their runs; a chain still going after that (delays of up to 30 days a step) starts a fresh budget.
create or replace function automation.purge_runs(p_older interval, p_limit integer) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_deleted integer;
begin
    if not core.is_system() then
        raise exception 'only background work purges workflow runs' using errcode = '42501';
    end if;
    if p_older is null or p_older < interval '1 day' then
        raise exception 'run retention must be at least one day' using errcode = '22023';
    end if;
    if p_limit is null or p_limit < 1 then
        raise exception 'limit must be positive' using errcode = '22023';
    end if;
    delete from automation.run_budgets b
     where (b.org_id, b.root_event_id) in (select x.org_id, x.root_event_id from automation.run_budgets x
                                            where x.created_at < now() - p_older
                                            limit p_limit);
    delete from automation.workflow_runs r
     where (r.org_id, r.id) in (select x.org_id, x.id from automation.workflow_runs x
                                 where x.status <> 'running' and x.finished_at < now() - p_older
                                 limit p_limit);
    get diagnostics v_deleted = row_count;
    return v_deleted;
end $$;
