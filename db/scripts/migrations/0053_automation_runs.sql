-- automation: workflow runs and their steps (issue 11, items 2, 4 and 5; ADR 0016). A run is one
-- trigger fired by one event (or by the schedule, for one subject on one day): its input, its steps
-- (a copy of the trigger's actions when it started, so editing the workflow does not change a run
-- under way), each step's status, attempts, output, error and timings. Only the org's own jobs write
-- runs (the engine); members read them (the Pro gate on the history is the API's).
create table automation.workflow_runs (
    org_id        uuid        not null,
    id            uuid        not null,
    -- Null once the trigger is deleted; the run keeps its name and type.
    trigger_id    uuid,
    trigger_name  text        not null,
    trigger_type  text        not null,
    -- The event's type (deal.stage_changed) or schedule.<trigger type> for a time-based trigger.
    event_type    text        not null constraint ck_workflow_runs_event_type check (event_type ~ '^[a-z][a-z_.]{0,99}$'),
    -- The event's id; a time-based run's is derived from (trigger, subject, day). Unique per trigger:
    -- an event delivered twice (at-least-once jobs) or a subject scanned twice a day starts one run.
    event_id      uuid        not null,
    -- The input: {"fields": {...}, "subject": {"type": ..., "id": ...}}.
    event         jsonb       not null constraint ck_workflow_runs_event check (jsonb_typeof(event) = 'object'),
    -- How many workflow runs caused the event: 0 for a person's change or the schedule.
    depth         smallint    not null default 0 constraint ck_workflow_runs_depth check (depth >= 0),
    status        text        not null default 'running'
                  constraint ck_workflow_runs_status check (status in ('running', 'completed', 'partial', 'failed', 'cut_off')),
    -- Why a run is partial, failed or cut off.
    reason        text,
    started_at    timestamptz not null default now(),
    finished_at   timestamptz,
    constraint pk_workflow_runs primary key (org_id, id),
    constraint uq_workflow_runs_event unique (org_id, trigger_id, event_id),
    constraint fk_workflow_runs_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_workflow_runs_trigger_id foreign key (org_id, trigger_id)
        references automation.workflow_triggers (org_id, id) on delete set null (trigger_id),
    constraint ck_workflow_runs_finished_at check ((status = 'running') = (finished_at is null))
);
-- The history, newest first, keyset on (started_at, id); by trigger and by status as filters.
create index ix_workflow_runs_started_at on automation.workflow_runs (org_id, started_at desc, id desc);
create index ix_workflow_runs_trigger_id on automation.workflow_runs (org_id, trigger_id, started_at desc, id desc);

create table automation.workflow_run_steps (
    org_id          uuid        not null,
    run_id          uuid        not null,
    position        smallint    not null constraint ck_workflow_run_steps_position check (position between 0 and 19),
    action_type     text        not null,
    config          jsonb       not null,
    -- pending → retrying* → completed | skipped | failed; the steps after a failed one are not_run.
    status          text        not null default 'pending'
                    constraint ck_workflow_run_steps_status check (status in ('pending', 'retrying', 'completed', 'skipped', 'failed', 'not_run')),
    attempts        smallint    not null default 0,
    output          jsonb,
    error           text        constraint ck_workflow_run_steps_error check (char_length(error) <= 2000),
    started_at      timestamptz,
    finished_at     timestamptz,
    next_attempt_at timestamptz,
    constraint pk_workflow_run_steps primary key (org_id, run_id, position),
    constraint fk_workflow_run_steps_run_id foreign key (org_id, run_id)
        references automation.workflow_runs (org_id, id) on delete cascade
);

alter table automation.workflow_runs enable row level security;
alter table automation.workflow_runs force row level security;
alter table automation.workflow_run_steps enable row level security;
alter table automation.workflow_run_steps force row level security;

create policy workflow_runs_select on automation.workflow_runs for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy workflow_run_steps_select on automation.workflow_run_steps for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
-- The engine runs as the org's job; no request, not even an admin's, writes a run.
create policy workflow_runs_job_insert on automation.workflow_runs for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));
create policy workflow_runs_job_update on automation.workflow_runs for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));
create policy workflow_run_steps_job_insert on automation.workflow_run_steps for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));
create policy workflow_run_steps_job_update on automation.workflow_run_steps for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));

grant select, insert on automation.workflow_runs, automation.workflow_run_steps to opsdash_app;
grant update (status, reason, finished_at) on automation.workflow_runs to opsdash_app;
grant update (status, attempts, output, error, started_at, finished_at, next_attempt_at) on automation.workflow_run_steps to opsdash_app;

-- The time-based triggers' schedule (system context) queues one scan job per org that has an enabled
-- time-based trigger; the scan runs as that org's job. The unique key keeps one pending scan per org
-- however often the schedule fires. Definer: the system context cannot read the orgs' triggers.
create function automation.queue_time_trigger_scans(p_kind text) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_queued integer;
begin
    if not core.is_system() then
        raise exception 'only background work queues the time-based trigger scans' using errcode = '42501';
    end if;
    insert into jobs.jobs (kind, args, org_id, queue, priority, max_attempts, run_at, unique_key)
    select p_kind, '{}'::jsonb, t.org_id, 'default', 0, 3, now(), 'time_trigger_scan'
      from (select distinct w.org_id from automation.workflow_triggers w
             where w.enabled and w.trigger_type in ('no_activity_days', 'task_overdue')) t
      join organizations.organizations o on o.id = t.org_id and o.deleted_at is null
    on conflict (unique_key, kind, org_id) where unique_key is not null and state in ('available', 'running', 'retryable')
    do nothing;
    get diagnostics v_queued = row_count;
    return v_queued;
end $$;
revoke execute on function automation.queue_time_trigger_scans(text) from public;
grant execute on function automation.queue_time_trigger_scans(text) to opsdash_app;

-- send_email's recipient: a member's address, only inside the caller's own org (a request of a
-- member or the org's job); null for anyone who is not a member of it.
create function automation.member_email(p_user uuid) returns text
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
    select p.email
      from members.org_members m
      join organizations.profiles p on p.id = m.user_id
     where m.org_id = core.current_org_id() and m.user_id = p_user
       and core.current_org_id() = any (members.member_org_ids())
    $$;
revoke execute on function automation.member_email(uuid) from public;
grant execute on function automation.member_email(uuid) to opsdash_app;

-- The org's name for send_email's From ("Acme via OpsDash"), in the caller's own org only.
create function automation.org_name() returns text
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
    select o.name from organizations.organizations o
     where o.id = core.current_org_id() and o.id = any (members.member_org_ids())
    $$;
revoke execute on function automation.org_name() from public;
grant execute on function automation.org_name() to opsdash_app;
