-- Queues one scan job per live org with enabled time triggers (ADR 0016); skips orgs whose previous pass
-- is still under way.
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

grant execute on function automation.queue_time_trigger_scans(text) to opsdash_app;
