-- The plan in force for a personal org's subscription, without the membership check org_plan makes
-- (the new billing owner's personal org is not the caller's). The one place that says which Stripe
-- states keep a plan (issue 20): active, trialing, and past_due until its grace period ends (null: a
-- row set by hand, never seen by the billing job). Anything else is Free.
create or replace function organizations.plan_of_personal_org(p_personal_org_id uuid) returns text
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return coalesce((select s.plan_key from organizations.subscriptions s
                      where s.org_id = p_personal_org_id
                        and (s.status in ('active', 'trialing')
                             or (s.status = 'past_due' and (s.grace_ends_at is null or s.grace_ends_at > now())))),
                    'free');
end $$;
