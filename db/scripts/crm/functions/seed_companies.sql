create or replace function crm.seed_companies(p_org uuid, p_companies integer) returns bigint
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_industry text[] := array['Software', 'Manufacturing', 'Retail', 'Finance', 'Healthcare', 'Education', 'Logistics', 'Energy'];
    v_size text[] := array['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+'];
    v_companies bigint;
begin
    -- The pipeline first, here, so the parallel deal parts find it.
    if not exists (select 1 from crm.pipeline_stages s where s.org_id = p_org) then
        perform crm.seed_pipeline_stages(p_org);
    end if;
    insert into crm.companies (org_id, id, name, domain, industry, size, created_at, updated_at)
    select p_org, crm.seed_id(p_org, 'company', i), 'Company ' || i, 'company-' || i || '.example',
           v_industry[1 + i % 8], v_size[1 + i % 7], t, t
      from generate_series(1, p_companies) i,
           lateral (select now() - make_interval(mins => i)) s(t)
    on conflict do nothing;
    get diagnostics v_companies = row_count;
    return v_companies;
end $$;
