-- The latest failed payments, for operators (platform.failed_payments checks the caller). No grant.
create or replace function organizations.recent_payment_failures(p_limit integer)
    returns table (failed_at timestamptz, org_slug text, stripe_invoice_id text, amount_due bigint, currency text,
                   attempt_count integer, status text, grace_ends_at timestamptz)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
    select f.failed_at, o.slug, f.stripe_invoice_id, f.amount_due, f.currency, f.attempt_count, s.status, s.grace_ends_at
      from organizations.payment_failures f
      join organizations.organizations o on o.id = f.org_id
      left join organizations.subscriptions s on s.org_id = f.org_id
     order by f.failed_at desc, f.id
     limit least(greatest(p_limit, 1), 500);
end $$;
