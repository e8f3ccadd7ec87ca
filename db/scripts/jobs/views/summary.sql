-- One definition of the summary: what a DBA queries and what the operators' endpoint and page read.
-- Owned by opsdash_owner (which bypasses RLS), so it covers every org; no grant to the app role.
create or replace view jobs.summary as
    select j.kind, j.state, count(*) as jobs,
           now() - min(j.run_at) filter (where j.state in ('available', 'retryable') and j.run_at <= now()) as oldest_pending_age,
           count(*) filter (where j.finished_at > now() - interval '1 minute') as finished_last_minute
      from jobs.jobs j
     group by j.kind, j.state;
