-- When the org's next unit of p_bucket work may run at p_per_minute with bursts of p_burst: now() while
-- the org is within its rate, later when it is over; null (and nothing taken) when that is more than
-- p_max_wait away. The bucket row is locked until the caller commits, so concurrent jobs of one org
-- take slots one after another; other orgs have their own rows.
create or replace function automation.next_slot(p_bucket text, p_per_minute integer, p_burst integer, p_max_wait interval) returns timestamptz
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_interval interval := interval '1 minute' / greatest(p_per_minute, 1);
    v_tat timestamptz;
    v_at timestamptz;
begin
    insert into automation.rate_buckets (org_id, bucket, tat) values (v_org, p_bucket, now())
    on conflict (org_id, bucket) do nothing;
    select greatest(b.tat, now()) into v_tat
      from automation.rate_buckets b
     where b.org_id = v_org and b.bucket = p_bucket
       for update;
    v_at := greatest(now(), v_tat - v_interval * greatest(p_burst - 1, 0));
    if v_at > now() + p_max_wait then
        return null;
    end if;
    update automation.rate_buckets b set tat = v_tat + v_interval where b.org_id = v_org and b.bucket = p_bucket;
    return v_at;
end $$;

grant execute on function automation.next_slot(text, integer, integer, interval) to opsdash_app;
