-- Issue 17, item 4: time-based triggers (ADR 0016).
-- 1. "Once a day" is 24 hours per trigger and subject, not once per UTC date: a subject scanned at 23:59
--    and again at 00:01 fired twice in two minutes. The last fire of each (trigger, subject) is kept here
--    and a new one is taken only 24 hours after it, in one statement (two scans at once fire once).
-- 2. A pass of the scan (its first job and the batches it queues) never overlaps the next: the schedule
--    queues no scan for an org that still has one pending, whatever its batch.
create table automation.time_trigger_fires (
    org_id     uuid        not null,
    trigger_id uuid        not null,
    subject_id uuid        not null,
    fired_at   timestamptz not null,
    constraint pk_time_trigger_fires primary key (org_id, trigger_id, subject_id),
    constraint fk_time_trigger_fires_trigger_id foreign key (org_id, trigger_id)
        references automation.workflow_triggers (org_id, id) on delete cascade
);

alter table automation.time_trigger_fires enable row level security;
alter table automation.time_trigger_fires force row level security;
create policy time_trigger_fires_job on automation.time_trigger_fires for all to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.job_org_ids())::uuid[]));
grant select, insert on automation.time_trigger_fires to opsdash_app;
grant update (fired_at) on automation.time_trigger_fires to opsdash_app;

-- The fire's time when the trigger may fire for the subject now (never, or 24 hours or more ago), else null.
create function automation.take_time_fire(p_trigger uuid, p_subject uuid) returns timestamptz
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_fired timestamptz;
begin
    insert into automation.time_trigger_fires as f (org_id, trigger_id, subject_id, fired_at)
    values (core.current_org_id(), p_trigger, p_subject, now())
    on conflict (org_id, trigger_id, subject_id) do update set fired_at = now()
     where f.fired_at <= now() - interval '24 hours'
    returning f.fired_at into v_fired;
    return v_fired;
end $$;
revoke execute on function automation.take_time_fire(uuid, uuid) from public;
grant execute on function automation.take_time_fire(uuid, uuid) to opsdash_app;

-- Same signature and rights as 0053; skips orgs whose previous pass is still under way.
create or replace function automation.queue_time_trigger_scans(p_kind text) returns integer
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
     where not exists (select 1 from jobs.jobs j
                        where j.queue = 'default' and j.org_id = t.org_id and j.kind = p_kind
                          and j.state in ('available', 'running', 'retryable'))
    on conflict (unique_key, kind, org_id) where unique_key is not null and state in ('available', 'running', 'retryable')
    do nothing;
    get diagnostics v_queued = row_count;
    return v_queued;
end $$;
