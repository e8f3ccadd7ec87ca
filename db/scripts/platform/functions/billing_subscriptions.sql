-- /ops: subscriptions by plan and status, through the billing owner module's function (operators only).
create or replace function platform.billing_subscriptions()
    returns table (plan_key text, status text, in_grace boolean, subscriptions bigint, cancel_at_period_end bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query select c.plan_key, c.status, c.in_grace, c.subscriptions, c.cancel_at_period_end from organizations.subscription_counts() c;
end $$;

grant execute on function platform.billing_subscriptions() to opsdash_app;
