-- crm: CSV import of contacts (issue 9, item 1). PostgreSQL 15 refuses COPY FROM into a table with
-- row-level security, so a request COPYs its parsed rows into this unlogged staging table and then
-- upserts them into crm.contacts with one INSERT ... SELECT ... ON CONFLICT under RLS.
--
-- Why it is safe without RLS (the one table that has none; RowLevelSecurityTests names it):
-- - opsdash_app may only INSERT (what COPY needs): no SELECT, UPDATE or DELETE, so no statement of the
--   app can read or touch a row directly;
-- - rows are read and removed only through the two functions below, which take the import's id (a
--   random uuid the request made) and return only rows of that import AND of the transaction's org;
-- - a request stages, upserts and clears its rows in one transaction, so no other transaction ever
--   sees them (they are never committed); a crash leaves nothing either (unlogged, rolled back).
create unlogged table crm.contact_import_rows (
    import_id  uuid    not null,
    row_no     integer not null,
    org_id     uuid    not null,
    id         uuid    not null,
    first_name text    not null,
    last_name  text,
    email      text,
    phone      text,
    title      text,
    tags       text[],
    constraint pk_contact_import_rows primary key (import_id, row_no)
);

grant insert on crm.contact_import_rows to opsdash_app;

-- The staged rows of one import of the current org, in file order.
create function crm.staged_contact_import(p_import uuid)
    returns table (row_no integer, id uuid, first_name text, last_name text, email text, phone text, title text, tags text[])
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select s.row_no, s.id, s.first_name, s.last_name, s.email, s.phone, s.title, s.tags
          from crm.contact_import_rows s
         where s.import_id = p_import and s.org_id = core.current_org_id()
         order by s.row_no;
end $$;

-- Removes one import's staged rows (the same transaction that staged them); returns how many.
create function crm.clear_contact_import(p_import uuid) returns bigint
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_count bigint;
begin
    delete from crm.contact_import_rows s where s.import_id = p_import and s.org_id = core.current_org_id();
    get diagnostics v_count = row_count;
    return v_count;
end $$;

revoke execute on function crm.staged_contact_import(uuid), crm.clear_contact_import(uuid) from public;
grant execute on function crm.staged_contact_import(uuid), crm.clear_contact_import(uuid) to opsdash_app;
