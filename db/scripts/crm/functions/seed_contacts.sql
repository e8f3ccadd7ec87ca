-- Every third contact works at a company; emails are unique per org (uq_contacts_email). Rows go in in
-- name order (first, last, then number) so most indexes are appended to (see the header).
create or replace function crm.seed_contacts(p_org uuid, p_contacts integer, p_companies integer, p_owner uuid, p_part integer, p_parts integer)
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
