-- The one place a job's state is changed by a person. Locks the row, so a worker settling it at the
-- same moment either goes first (and the state check sees its result) or waits.
-- retry: a dead or cancelled job runs again, due now, with its attempts reset.
-- discard: a dead or retryable job is cancelled and never runs again.
create or replace function platform.change_job(p_id bigint, p_org_id uuid, p_action text)
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
