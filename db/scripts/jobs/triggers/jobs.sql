create or replace trigger jobs_notify_due after insert or update of state, run_at on jobs.jobs
    for each row when (new.state in ('available', 'retryable') and new.run_at <= now())
    execute function jobs.notify_due();

create or replace trigger jobs_clear_sealed_args before update of state on jobs.jobs
    for each row
    when (new.state in ('completed', 'dead', 'cancelled') and new.args::text like '%"sealed%')
    execute function jobs.clear_sealed_args();

create or replace trigger jobs_place_in_line before insert or update of run_at on jobs.jobs
    for each row execute function jobs.place_in_line();
