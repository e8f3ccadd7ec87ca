-- Every insert, whoever makes it (enqueue, enqueue_unique, the schedules, a DBA): rows inserted
-- earlier by the same statement are visible here, so a bulk insert is spread out too. Definer: the
-- org's last place is read whatever the inserting role may see of jobs.jobs.
create or replace function jobs.place_in_line() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_head timestamptz;
    v_last timestamptz;
    v_base timestamptz := new.run_at;
begin
    if tg_op = 'INSERT' then
        if new.run_at <= now() then
            select j.fair_at into v_head
              from jobs.jobs j
             where j.queue = new.queue and j.state in ('available', 'retryable')
             order by j.priority, j.fair_at
             limit 1;
            v_base := least(new.run_at, coalesce(v_head, new.run_at));
        end if;
        if new.org_id is not null then
            select j.fair_at into v_last
              from jobs.jobs j
             where j.queue = new.queue and j.org_id = new.org_id and j.state in ('available', 'retryable')
             order by j.fair_at desc
             limit 1;
        end if;
        new.fair_at := greatest(v_base, v_last + jobs.fair_share_interval());
    else
        -- A retry or a rescue is due later: it keeps its place unless its run_at is later still.
        new.fair_at := greatest(old.fair_at, new.run_at);
    end if;
    return new;
end $$;
