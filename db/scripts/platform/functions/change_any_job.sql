-- For a platform operator, any org's job.
create or replace function platform.change_any_job(p_id bigint, p_action text)
    returns table (id bigint, kind text, queue text, state text, priority smallint, attempt integer, max_attempts integer,
                   run_at timestamptz, last_error text, attempted_at timestamptz, finished_at timestamptz, created_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query select * from platform.change_job(p_id, null, p_action);
end $$;

grant execute on function platform.change_any_job(bigint, text) to opsdash_app;
