-- The first statement of a delivery to an inbound hook (POST /hooks/{token}, ADR 0021), sent with BEGIN.
-- Finds the hook by the SHA-256 of its URL token; when it exists, its org is live and the org's plan has
-- platform:webhooks, sets app.org_id and app.inbound_hook_id for the transaction and returns the hook's
-- sealed signing secret, which the caller opens to verify the signature before it sends anything else.
-- Otherwise no row (404: an unknown token and a lapsed plan look the same to the sender). No user acts.
create or replace function organizations.enter_inbound_hook_request(p_token_hash bytea)
    returns table (hook_id uuid, org_id uuid, secret_sealed text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    h record;
begin
    perform set_config('app.user_id', '', true),
            set_config('app.org_id', '', true),
            set_config('app.system', '', true),
            set_config('app.api_key_id', '', true),
            set_config('app.inbound_hook_id', '', true);
    select i.id, i.org_id, i.secret_sealed into h
      from core.inbound_hooks i
      join organizations.organizations o on o.id = i.org_id and o.deleted_at is null
     where i.token_hash = p_token_hash;
    if not found then
        return;
    end if;
    -- The plan as organizations.org_plan reads it (which answers members only; no one is a member here).
    if not coalesce((
            select l.enabled
              from organizations.plan_limits l
             where l.feature_key = 'platform:webhooks'
               and l.plan_key = coalesce((
                       select s.plan_key
                         from organizations.organizations o
                         join organizations.organizations p on p.billing_owner_user_id = o.billing_owner_user_id and p.type = 'personal'
                         join organizations.subscriptions s on s.org_id = p.id and s.status in ('active', 'trialing', 'past_due')
                        where o.id = h.org_id), 'free')), false) then
        return;
    end if;
    perform set_config('app.org_id', h.org_id::text, true), set_config('app.inbound_hook_id', h.id::text, true);
    return query select h.id, h.org_id, h.secret_sealed;
end $$;

grant execute on function organizations.enter_inbound_hook_request(bytea) to opsdash_app;
