-- invoice.payment_failed, once per event, in the customer's personal org (system context only).
create or replace function organizations.record_payment_failure(
    p_customer_id text, p_event_id text, p_invoice_id text, p_amount_due bigint, p_currency text, p_attempt_count integer) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not core.is_system() then
        raise exception 'Only the billing job records payment failures.' using errcode = 'OD403';
    end if;
    insert into organizations.payment_failures (org_id, stripe_event_id, stripe_invoice_id, amount_due, currency, attempt_count)
    select s.org_id, p_event_id, p_invoice_id, p_amount_due, p_currency, p_attempt_count
      from organizations.subscriptions s where s.stripe_customer_id = p_customer_id
    on conflict (stripe_event_id) do nothing;
end $$;

grant execute on function organizations.record_payment_failure(text, text, text, bigint, text, integer) to opsdash_app;
