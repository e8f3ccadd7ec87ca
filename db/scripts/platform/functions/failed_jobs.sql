-- Dead and retryable jobs of every org, newest failure first, for operators. No args.
create or replace function platform.failed_jobs(p_limit integer)
    returns table (id bigint, kind text, org_slug text, state text, attempt integer, max_attempts integer,
                   last_error text, run_at timestamptz, finished_at timestamptz)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query
        select j.id, j.kind, o.slug, j.state, j.attempt, j.max_attempts, j.last_error, j.run_at, j.finished_at
          from jobs.jobs j
          left join organizations.organizations o on o.id = j.org_id
         where j.state in ('dead', 'retryable')
         order by coalesce(j.finished_at, j.attempted_at, j.created_at) desc, j.id desc
         limit least(greatest(p_limit, 1), 500);
end $$;

grant execute on function platform.failed_jobs(integer) to opsdash_app;
