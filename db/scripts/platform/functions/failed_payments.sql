-- /ops: the latest failed payments, through the billing owner module's function (operators only).
create or replace function platform.failed_payments(p_limit integer)
    returns table (failed_at timestamptz, org_slug text, stripe_invoice_id text, amount_due bigint, currency text,
                   attempt_count integer, status text, grace_ends_at timestamptz)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform platform.require_operator();
    return query
    select f.failed_at, f.org_slug, f.stripe_invoice_id, f.amount_due, f.currency, f.attempt_count, f.status, f.grace_ends_at
      from organizations.recent_payment_failures(p_limit) f;
end $$;

grant execute on function platform.failed_payments(integer) to opsdash_app;
