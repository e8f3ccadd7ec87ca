create or replace function organizations.is_owner_switch_only(p_feature_key text) returns boolean
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$ select coalesce((select f.owner_switch_only from organizations.features f where f.key = p_feature_key), false) $$;

grant execute on function organizations.is_owner_switch_only(text) to opsdash_app;
