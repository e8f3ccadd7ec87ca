-- The billing job (system context only) writes the subscription it just fetched from Stripe onto the
-- customer's personal org: whatever order events came in, the last fetch wins (the job holds a lock per
-- customer while it fetches and applies). past_due starts the grace period once (billing_policy); the
-- plan change, if any, is audited in every org the user pays for (settle_plan). Returns the plan in force
-- and when grace ends, for the job to look again then.
create or replace function organizations.apply_stripe_subscription(
    p_customer_id text, p_subscription_id text, p_plan_key text, p_status text,
    p_current_period_end timestamptz, p_cancel_at_period_end boolean)
    returns table (personal_org_id uuid, plan_key text, grace_ends_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    s organizations.subscriptions;
    v_before text;
    v_grace timestamptz;
    v_plan text;
begin
    if not core.is_system() then
        raise exception 'Only the billing job applies Stripe subscriptions.' using errcode = 'OD403';
    end if;
    select * into s from organizations.subscriptions x where x.stripe_customer_id = p_customer_id for update;
    if not found then
        raise exception 'No user has this Stripe customer.' using errcode = 'OD404';
    end if;
    v_before := coalesce(s.audited_plan_key, organizations.plan_of_personal_org(s.org_id));
    if p_status = 'past_due' then
        v_grace := case when s.status = 'past_due' and s.grace_ends_at is not null then s.grace_ends_at
                        else now() + (select b.grace_period from organizations.billing_policy b) end;
    end if;
    update organizations.subscriptions x
       set plan_key = coalesce(p_plan_key, 'free'),
           status = p_status,
           stripe_subscription_id = p_subscription_id,
           current_period_end = p_current_period_end,
           cancel_at_period_end = coalesce(p_cancel_at_period_end, false),
           grace_ends_at = v_grace
     where x.org_id = s.org_id;
    v_plan := organizations.settle_plan(s.org_id, v_before, 'stripe:' || p_status);
    return query select s.org_id, v_plan, v_grace;
end $$;

grant execute on function organizations.apply_stripe_subscription(text, text, text, text, timestamptz, boolean) to opsdash_app;
