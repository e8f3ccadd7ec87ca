-- Default feature flags for a new org: one row per feature, as the catalogue says.
create or replace function organizations.seed_feature_flags(p_org_id uuid) returns void
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        insert into organizations.feature_flags (org_id, feature_key, enabled)
        select p_org_id, f.key, f.default_enabled from organizations.features f
    $$;
