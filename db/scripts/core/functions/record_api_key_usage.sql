-- Adds the uses a Host counted in memory since its last flush (ApiKeyUsage, ADR 0021): one statement
-- per flush instead of one row update per request, which would queue every request of a key behind
-- the row lock of the one before it. Rows are locked in id order so two Hosts flushing at once cannot
-- deadlock. Called without a tenant context, so it is a definer and touches only the two counters.
create or replace function core.record_api_key_usage(p_ids uuid[], p_counts bigint[], p_last_used timestamptz[]) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform 1 from core.api_keys k where k.id = any (p_ids) order by k.id for no key update;
    update core.api_keys k
       set usage_count = k.usage_count + u.n,
           last_used_at = greatest(k.last_used_at, u.used_at)
      from unnest(p_ids, p_counts, p_last_used) as u (id, n, used_at)
     where k.id = u.id;
end $$;

grant execute on function core.record_api_key_usage(uuid[], bigint[], timestamptz[]) to opsdash_app;
