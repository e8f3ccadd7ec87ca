create or replace function platform.jobs_throughput() returns table (minute timestamptz, completed bigint, failed bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query select t.minute, t.completed, t.failed from jobs.throughput t order by t.minute;
end $$;

grant execute on function platform.jobs_throughput() to opsdash_app;
