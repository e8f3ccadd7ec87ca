create or replace trigger jobs_workflow_step_abandoned after update of state on jobs.jobs
    for each row when (new.kind = 'automation.workflow_step' and new.state in ('dead', 'cancelled')
                       and old.state is distinct from new.state and new.org_id is not null)
    execute function automation.settle_abandoned_step();
