-- The plan of a personal org's live subscription, without the membership check org_plan makes
-- (the new billing owner's personal org is not the caller's).
create or replace function organizations.plan_of_personal_org(p_personal_org_id uuid) returns text
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select coalesce((select s.plan_key from organizations.subscriptions s
                          where s.org_id = p_personal_org_id and s.status in ('active', 'trialing', 'past_due')), 'free')
    $$;
