-- The lock key FeatureAccess.CheckUsageLimitAsync takes for a counted feature of an org, so SQL
-- and C# checks of the same limit serialise with each other.
create or replace function core.lock_usage_limit(p_org_id uuid, p_feature_key text) returns void
    language sql volatile
    set search_path = pg_catalog, pg_temp
    as $$ select pg_advisory_xact_lock(hashtextextended('limit:' || p_org_id::text || ':' || p_feature_key, 0)) $$;

grant execute on function core.lock_usage_limit(uuid, text) to opsdash_app;
