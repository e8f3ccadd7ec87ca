-- The webhook (anonymous, after Stripe.net verified the signature) records an event id once: true for the
-- first delivery, false for a replay. A concurrent duplicate waits on the key and then gets false, so
-- exactly one delivery queues the job.
create or replace function organizations.record_stripe_event(p_event_id text, p_type text, p_customer_id text) returns boolean
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_new boolean;
begin
    insert into organizations.stripe_events (id, type, customer_id) values (p_event_id, p_type, p_customer_id)
    on conflict (id) do nothing
    returning true into v_new;
    return coalesce(v_new, false);
end $$;

grant execute on function organizations.record_stripe_event(text, text, text) to opsdash_app;
