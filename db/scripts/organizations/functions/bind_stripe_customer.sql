-- The caller's Stripe customer, created on their first checkout: bound to their personal org's
-- subscription once; a later (or concurrent) call keeps the first and returns it.
create or replace function organizations.bind_stripe_customer(p_customer_id text) returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_bound text;
begin
    update organizations.subscriptions s set stripe_customer_id = coalesce(s.stripe_customer_id, p_customer_id)
     where s.org_id = organizations.personal_org_id(core.current_user_id())
    returning s.stripe_customer_id into v_bound;
    if v_bound is null then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    return v_bound;
end $$;

grant execute on function organizations.bind_stripe_customer(text) to opsdash_app;
