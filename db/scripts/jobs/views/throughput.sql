-- Finished jobs per minute over the last hour, every minute present (zero when idle). One scan of
-- the hour's finished jobs, grouped, then laid over the 60 minutes.
create or replace view jobs.throughput as
    with finished as (
        select date_trunc('minute', j.finished_at) as minute,
               count(*) filter (where j.state = 'completed') as completed,
               count(*) filter (where j.state in ('dead', 'cancelled')) as failed
          from jobs.jobs j
         where j.finished_at >= date_trunc('minute', now()) - interval '59 minutes'
         group by 1)
    select m.minute, coalesce(f.completed, 0) as completed, coalesce(f.failed, 0) as failed
      from generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') m(minute)
      left join finished f on f.minute = m.minute;
