-- crm: the generated data of `./run.sh seed` (src/Host/Setup/SeedCommand.cs), rewritten for speed:
-- companies, contacts, deals and (for the demo) activities, each a function SeedCommand calls as a step.
-- Owner role only, set-based and deterministic as in 0044: row n of a kind always has the same id and
-- values, so seeding again adds only what is missing. Deals go through crm.deals' triggers like any
-- other (live links, status from the stage, a first stage-history row).
--
-- Speed (issue 9: 1,000,000 contacts, 50,000 companies and 200,000 deals in under a minute). 0044 took
-- minutes for the contacts on a 2-core machine, nearly all of it in 11 index insertions per row at
-- random places (md5 ids, random names), and the deals did not finish in 8 minutes: the foreign-key
-- checks and triggers plan their lookups once, and on the statistics of tables filled moments before
-- in the same transaction ("empty") they chose sequential scans, one per row. So now: seed ids are
-- sequential per org and kind (the btrees grow at their right edge); contacts go in in name order (the
-- name, last-name and email indexes are appended to as well); each step commits and SeedCommand
-- analyzes its table before the next step reads it; contacts and deals go in as parallel parts, one per
-- core (part p of P takes the rows n with n % P = p). Ids of orgs seeded before 0049 differ: seeding
-- such an org again adds a second set of companies (contacts are unique by email, not duplicated).
create or replace function crm.seed_id(p_org uuid, p_kind text, p_n integer) returns uuid
    language sql immutable
    set search_path = pg_catalog, pg_temp
    as $$ select (left(md5(p_org::text || p_kind), 16) || lpad(to_hex(p_n), 16, '0'))::uuid $$;

drop function crm.seed_contacts_and_companies(uuid, integer, integer, uuid);

create function crm.seed_companies(p_org uuid, p_companies integer) returns bigint
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

-- Every third contact works at a company; emails are unique per org (uq_contacts_email). Rows go in in
-- name order (first, last, then number) so most indexes are appended to (see the header).
create function crm.seed_contacts(p_org uuid, p_contacts integer, p_companies integer, p_owner uuid, p_part integer, p_parts integer)
    returns bigint
    language plpgsql
    set search_path = pg_catalog, pg_temp
    set work_mem = '256MB' -- the name-order sort of a million generated rows stays in memory
    as $$
declare
    v_first text[] := array['Ada', 'Alan', 'Grace', 'Linus', 'Barbara', 'Donald', 'Edsger', 'Frances', 'Guido', 'Hedy',
                            'Ivan', 'Joan', 'Ken', 'Lynn', 'Margaret', 'Niklaus', 'Olga', 'Radia', 'Sophie', 'Tim'];
    v_last text[] := array['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Liskov', 'Knuth', 'Dijkstra', 'Allen', 'Rossum', 'Lamarr',
                           'Sutherland', 'Clarke', 'Thompson', 'Conway', 'Hamilton', 'Wirth', 'Taussky', 'Perlman', 'Wilson', 'Berners-Lee'];
    v_tags text[] := array['customer', 'prospect', 'partner', 'vip', 'newsletter', 'event'];
    v_contacts bigint;
begin
    insert into crm.contacts (org_id, id, first_name, last_name, email, phone, title, company_id, owner_user_id, tags, created_at, updated_at)
    select p_org, crm.seed_id(p_org, 'contact', g.i), g.first_name, g.last_name,
           lower(g.first_name || '.' || g.last_name) || '.' || g.i || '@example.com',
           '+1 555 ' || lpad((g.i % 10000000)::text, 7, '0'),
           case when g.i % 4 = 0 then 'Engineer' when g.i % 4 = 1 then 'Manager' end,
           case when p_companies > 0 and g.i % 3 = 0 then crm.seed_id(p_org, 'company', 1 + (g.i / 3) % p_companies) end,
           case when g.i % 2 = 0 then p_owner end,
           case when g.i % 5 = 0 then array[v_tags[1 + g.i % 6]] else '{}' end,
           now() - make_interval(secs => g.i), now() - make_interval(secs => g.i)
      from (select i, v_first[1 + i % 20] as first_name, v_last[1 + (i / 20) % 20] as last_name
              from generate_series(1, p_contacts) i
             where i % p_parts = p_part) g
     order by lower(g.first_name || ' ' || g.last_name), g.i
    on conflict do nothing;
    get diagnostics v_contacts = row_count;
    return v_contacts;
end $$;

create function crm.seed_deals(
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

-- Activities on the first deals, spread over the last three weeks (the at-risk list needs some deals
-- quiet for more than a week).
create function crm.seed_activities(p_org uuid, p_activities integer, p_deals integer, p_owner uuid) returns bigint
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_kinds text[] := array['note', 'call', 'email', 'meeting'];
    v_activities bigint;
begin
    insert into crm.activities (org_id, id, kind, subject, body, contact_id, deal_id, occurred_at, created_by_user_id)
    select p_org, crm.seed_id(p_org, 'activity', i), v_kinds[1 + i % 4],
           initcap(v_kinds[1 + i % 4]) || ' about ' || d.title, 'Generated by the seed command.',
           d.contact_id, d.id, now() - make_interval(days => i % 21, hours => i % 24), p_owner
      from generate_series(1, least(p_activities, p_deals)) i
      join crm.deals d on d.org_id = p_org and d.id = crm.seed_id(p_org, 'deal', i) and d.deleted_at is null
    on conflict do nothing;
    get diagnostics v_activities = row_count;
    return v_activities;
end $$;

revoke execute on function crm.seed_companies(uuid, integer), crm.seed_contacts(uuid, integer, integer, uuid, integer, integer),
    crm.seed_deals(uuid, integer, integer, integer, uuid, integer, integer), crm.seed_activities(uuid, integer, integer, uuid) from public;
