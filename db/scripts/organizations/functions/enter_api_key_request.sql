-- The first statement of an org-scoped request made with an API key (ADR 0021), sent with BEGIN; the
-- twin of enter_request. Looks the key up by its public prefix and returns its hash, which the caller
-- compares with the presented key's in fixed time (ApiKeyEntry) before it sends any other statement;
-- on a mismatch it rolls back, so the context set here is never used. state:
--   unknown, revoked, expired, org_gone: 401 (after the hash compare, so a wrong key learns nothing);
--   other_org: the key is live but p_slug is not its org (404, whether that org exists or not);
--   plan: the org's plan no longer has platform:api_keys (403 feature_unavailable);
--   ok: app.org_id and app.api_key_id are set and the org's columns are filled; role is the key's.
-- No user acts: app.user_id is empty for the whole transaction.
create or replace function organizations.enter_api_key_request(p_prefix text, p_slug text)
    returns table (key_id uuid, key_hash bytea, scopes text[], state text,
                   id uuid, slug text, name text, type text, billing_owner_user_id uuid, role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    k record;
    o record;
    v_state text;
begin
    perform set_config('app.user_id', '', true),
            set_config('app.org_id', '', true),
            set_config('app.system', '', true),
            set_config('app.api_key_id', '', true);
    select a.id, a.org_id, a.key_hash, a.scopes, a.revoked_at, a.expires_at into k
      from core.api_keys a where a.prefix = p_prefix;
    if not found then
        return query select null::uuid, null::bytea, null::text[], 'unknown'::text,
                            null::uuid, null::text, null::text, null::text, null::uuid, null::text;
        return;
    end if;
    select g.id, g.slug, g.name, g.type, g.billing_owner_user_id into o
      from organizations.organizations g where g.id = k.org_id and g.deleted_at is null;
    v_state := case
        when k.revoked_at is not null then 'revoked'
        when k.expires_at is not null and k.expires_at <= now() then 'expired'
        when o.id is null then 'org_gone'
        when o.slug is distinct from p_slug then 'other_org'
        else 'ok' end;
    if v_state = 'ok' then
        perform set_config('app.org_id', o.id::text, true), set_config('app.api_key_id', k.id::text, true);
        if not coalesce((select f.plan_enabled from organizations.feature_access('platform:api_keys') f), false) then
            perform set_config('app.org_id', '', true), set_config('app.api_key_id', '', true);
            v_state := 'plan';
        end if;
    end if;
    if v_state <> 'ok' then
        return query select k.id, k.key_hash, k.scopes, v_state,
                            null::uuid, null::text, null::text, null::text, null::uuid, null::text;
        return;
    end if;
    return query select k.id, k.key_hash, k.scopes, v_state,
                        o.id, o.slug, o.name, o.type, o.billing_owner_user_id, members.api_key_role(k.scopes);
end $$;

grant execute on function organizations.enter_api_key_request(text, text) to opsdash_app;
