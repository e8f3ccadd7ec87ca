-- crm: generated data for benchmarks and demos (`./run.sh seed`, src/Host/Setup/SeedCommand.cs).
-- Run by the owner role only (no grants): set-based, one INSERT ... SELECT per table. Deterministic
-- for a given org (ids and names derive from the org id and the row number), so the contacts can
-- point at the companies without reading them back, and seeding again adds only what is missing. Deals (and what else later parts of issue 9 add)
-- get their own crm.seed_* function, which SeedCommand calls after this one.
create function crm.seed_id(p_org uuid, p_kind text, p_n integer) returns uuid
    language sql immutable
    set search_path = pg_catalog, pg_temp
    as $$ select md5(p_org::text || p_kind || p_n::text)::uuid $$;

create function crm.seed_contacts_and_companies(p_org uuid, p_contacts integer, p_companies integer, p_owner uuid)
    returns table (companies bigint, contacts bigint)
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_first text[] := array['Ada', 'Alan', 'Grace', 'Linus', 'Barbara', 'Donald', 'Edsger', 'Frances', 'Guido', 'Hedy',
                            'Ivan', 'Joan', 'Ken', 'Lynn', 'Margaret', 'Niklaus', 'Olga', 'Radia', 'Sophie', 'Tim'];
    v_last text[] := array['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Liskov', 'Knuth', 'Dijkstra', 'Allen', 'Rossum', 'Lamarr',
                           'Sutherland', 'Clarke', 'Thompson', 'Conway', 'Hamilton', 'Wirth', 'Taussky', 'Perlman', 'Wilson', 'Berners-Lee'];
    v_industry text[] := array['Software', 'Manufacturing', 'Retail', 'Finance', 'Healthcare', 'Education', 'Logistics', 'Energy'];
    v_size text[] := array['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+'];
    v_tags text[] := array['customer', 'prospect', 'partner', 'vip', 'newsletter', 'event'];
    v_companies bigint;
    v_contacts bigint;
begin
    insert into crm.companies (org_id, id, name, domain, industry, size, created_at, updated_at)
    select p_org, crm.seed_id(p_org, 'company', i), 'Company ' || i, 'company-' || i || '.example',
           v_industry[1 + i % 8], v_size[1 + i % 7], t, t
      from generate_series(1, p_companies) i,
           lateral (select now() - make_interval(mins => i)) s(t)
    on conflict do nothing;
    get diagnostics v_companies = row_count;

    -- Every third contact works at a company; emails are unique per org (uq_contacts_email).
    insert into crm.contacts (org_id, id, first_name, last_name, email, phone, title, company_id, owner_user_id, tags, created_at, updated_at)
    select p_org, crm.seed_id(p_org, 'contact', i), v_first[1 + i % 20], v_last[1 + (i / 20) % 20],
           lower(v_first[1 + i % 20] || '.' || v_last[1 + (i / 20) % 20]) || '.' || i || '@example.com',
           '+1 555 ' || lpad((i % 10000000)::text, 7, '0'),
           case when i % 4 = 0 then 'Engineer' when i % 4 = 1 then 'Manager' end,
           case when p_companies > 0 and i % 3 = 0 then crm.seed_id(p_org, 'company', 1 + (i / 3) % p_companies) end,
           case when i % 2 = 0 then p_owner end,
           case when i % 5 = 0 then array[v_tags[1 + i % 6]] else '{}' end,
           t, t
      from generate_series(1, p_contacts) i,
           lateral (select now() - make_interval(secs => i)) s(t)
    on conflict do nothing;
    get diagnostics v_contacts = row_count;

    return query select v_companies, v_contacts;
end $$;

revoke execute on function crm.seed_id(uuid, text, integer), crm.seed_contacts_and_companies(uuid, integer, integer, uuid) from public;
