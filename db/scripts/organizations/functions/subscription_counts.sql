-- Subscriptions by plan and status, for operators (platform.billing_subscriptions checks the caller).
-- No grant: only definer functions call it.
create or replace function organizations.subscription_counts()
    returns table (plan_key text, status text, in_grace boolean, subscriptions bigint, cancel_at_period_end bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
    select s.plan_key, s.status, coalesce(s.status = 'past_due' and s.grace_ends_at > now(), false), count(*),
           count(*) filter (where s.cancel_at_period_end)
      from organizations.subscriptions s
      join organizations.organizations o on o.id = s.org_id and o.deleted_at is null
     group by 1, 2, 3
     order by 1, 2, 3;
end $$;
