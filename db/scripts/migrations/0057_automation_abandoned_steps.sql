-- Issue 17, item 4: a run whose step job ends without settling the step (the job went dead after its
-- attempts, e.g. past its deadline each time, or an admin discarded it) was left running forever. Such a
-- job now queues, in the same transaction, a job that settles the step and fails the run (the trigger's
-- creator is told, as for any failed run). The settling job leaves a step that did settle alone.
create function automation.settle_abandoned_step() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    insert into jobs.jobs (kind, args, org_id, queue, max_attempts)
    values ('automation.abandoned_step',
            jsonb_build_object('runId', new.args -> 'runId', 'position', new.args -> 'position',
                               'reason', case when new.state = 'cancelled' then 'discarded' else 'dead' end,
                               'lastError', left(new.last_error, 1000)),
            new.org_id, new.queue, 10);
    return null;
end $$;

create trigger jobs_workflow_step_abandoned after update of state on jobs.jobs
    for each row when (new.kind = 'automation.workflow_step' and new.state in ('dead', 'cancelled')
                       and old.state is distinct from new.state and new.org_id is not null)
    execute function automation.settle_abandoned_step();
