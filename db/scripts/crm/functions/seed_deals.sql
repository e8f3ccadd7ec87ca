create or replace function crm.seed_deals(
    p_org uuid, p_deals integer, p_contacts integer, p_companies integer, p_owner uuid, p_part integer, p_parts integer)
    returns bigint
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_products text[] := array['Platform licence', 'Onboarding', 'Support plan', 'Integration', 'Training', 'Renewal', 'Expansion', 'Pilot'];
    v_stages uuid[];
    v_deals bigint;
begin
    select array_agg(s.id order by s.position, s.id) into v_stages
      from crm.pipeline_stages s where s.org_id = p_org and s.deleted_at is null;

    -- Open stages get most deals: deal n is in stage n mod (stages + 2), the last two slots folding
    -- back onto the first stages.
    insert into crm.deals (org_id, id, title, stage_id, contact_id, company_id, owner_user_id, amount, currency,
                           expected_close_date, last_activity_at, created_at, updated_at)
    select p_org, crm.seed_id(p_org, 'deal', i),
           v_products[1 + i % 8] || ' for ' || case when p_companies > 0 then 'Company ' || (1 + i % p_companies) else 'customer ' || i end,
           v_stages[1 + (i % (cardinality(v_stages) + 2)) % cardinality(v_stages)],
           case when p_contacts > 0 and i % 2 = 0 then crm.seed_id(p_org, 'contact', 1 + (i * 7) % p_contacts) end,
           case when p_companies > 0 then crm.seed_id(p_org, 'company', 1 + i % p_companies) end,
           case when i % 2 = 1 then p_owner end,
           ((i * 7919) % 5000000 + 10000) / 100.0,
           'USD',
           current_date + (i % 120),
           case when i % 4 <> 0 then greatest(t, now() - make_interval(hours => i % 720)) end,
           t, t
      from generate_series(1, p_deals) i,
           lateral (select now() - make_interval(mins => i * 3)) s(t)
     where i % p_parts = p_part
    on conflict do nothing;
    get diagnostics v_deals = row_count;
    return v_deals;
end $$;
