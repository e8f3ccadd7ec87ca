-- The kernel's round trips (docs/performance.md): an org-scoped request starts with ONE statement
-- that applies the tenant context, checks the caller's session and resolves the org slug; a usage
-- limit check reads the feature's access and takes its lock in one statement.

-- The first statement of an org-scoped request, sent together with BEGIN. set_config runs first,
-- because enter_org's membership lookup reads app.user_id. Always one row: session_is_current false
-- means the token's session has ended (401); null org columns mean no such live org of the
-- caller (404). Invoker rights: it only calls functions the app role may call anyway.
-- p_token_user is the caller when an access token is in play (null when the server itself set the
-- user); p_stamp and p_session are that token's claims (auth.access_token_is_current, 0024).
create or replace function organizations.enter_request(
    p_user_id uuid, p_system boolean, p_token_user uuid, p_stamp integer, p_session uuid, p_slug text)
    returns table (session_is_current boolean, id uuid, slug text, name text, type text, billing_owner_user_id uuid, role text)
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform set_config('app.user_id', coalesce(p_user_id::text, ''), true),
            set_config('app.org_id', '', true),
            set_config('app.system', case when p_system then 'on' else '' end, true);
    if not auth.access_token_is_current(p_token_user, p_stamp, p_session) then
        return query select false, null::uuid, null::text, null::text, null::text, null::uuid, null::text;
        return;
    end if;
    return query
        select true, e.id, e.slug, e.name, e.type, e.billing_owner_user_id, e.role
          from organizations.enter_org(p_slug) e;
    if not found then
        return query select true, null::uuid, null::text, null::text, null::text, null::uuid, null::text;
    end if;
end $$;

-- feature_access plus, when the plan caps the feature, a transaction-scoped lock on (org, feature)
-- that serialises creates until commit, so two requests cannot both take the last slot. An
-- unlimited feature takes no lock: nothing to count, nothing to serialise.
create or replace function organizations.feature_access_for_write(p_feature_key text)
    returns table (plan_key text, plan_enabled boolean, limit_value bigint, flag_enabled boolean, allowed_roles text[], member_role text)
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    a record;
begin
    select f.plan_key, f.plan_enabled, f.limit_value, f.flag_enabled, f.allowed_roles, f.member_role into a
      from organizations.feature_access(p_feature_key) f;
    if not found then
        return;
    end if;
    if a.limit_value is not null then
        perform pg_advisory_xact_lock(hashtextextended('limit:' || core.current_org_id()::text || ':' || p_feature_key, 0));
    end if;
    return query select a.plan_key, a.plan_enabled, a.limit_value, a.flag_enabled, a.allowed_roles, a.member_role;
end $$;

revoke execute on function organizations.enter_request(uuid, boolean, uuid, integer, uuid, text),
    organizations.feature_access_for_write(text) from public;
grant execute on function organizations.enter_request(uuid, boolean, uuid, integer, uuid, text),
    organizations.feature_access_for_write(text) to opsdash_app;
