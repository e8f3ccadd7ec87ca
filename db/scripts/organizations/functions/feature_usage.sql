-- Every counted feature's usage in p_org, from the one count each module registered in
-- core.usage_counters (its own <schema>.usage_counts(org) file). A module adds a counted feature in its
-- own file; nothing here names it. No grant: callers are the definer functions that checked membership.
create or replace function organizations.feature_usage(p_org uuid) returns table (feature_key text, used bigint)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_counter regproc;
begin
    for v_counter in select u.function_name::regproc from core.usage_counters u order by u.function_name loop
        return query execute format('select c.feature_key, c.used from %s($1) c', v_counter) using p_org;
    end loop;
end $$;
