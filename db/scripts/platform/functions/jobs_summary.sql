create or replace function platform.jobs_summary()
    returns table (kind text, state text, jobs bigint, oldest_pending_age interval, finished_last_minute bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query select s.kind, s.state, s.jobs, s.oldest_pending_age, s.finished_last_minute from jobs.summary s;
end $$;

grant execute on function platform.jobs_summary() to opsdash_app;
