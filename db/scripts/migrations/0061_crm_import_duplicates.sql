-- crm: the CSV import finds rows that repeat an earlier row's email in SQL, batch by batch, instead of in
-- a dictionary in the Host's memory (issue 17, item 3). A staged row that repeats an email is marked with
-- the row it repeats; the import reports it and never writes it, and it does not count as a new contact.
alter table crm.contact_import_rows add column duplicate_of integer;

create index ix_contact_import_rows_email on crm.contact_import_rows (import_id, email, row_no) where email is not null;

-- Marks the staged rows of one import of the current org, from p_from_row on, whose email an earlier
-- row of the import has; returns them with that row (the first with the email). The batch and its first
-- rows are materialized so each row's lookup (an index seek) runs once: the staging table never has
-- statistics, and with none the planner nested the lookup inside a join, once per pair of rows.
create function crm.mark_contact_import_duplicates(p_import uuid, p_from_row integer)
    returns table (row_no integer, duplicate_of integer)
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        with batch as materialized (
            select b.row_no, b.email
              from crm.contact_import_rows b
             where b.import_id = p_import and b.org_id = core.current_org_id()
               and b.row_no >= p_from_row and b.email is not null
        ), firsts as materialized (
            select t.row_no,
                   (select min(e.row_no) from crm.contact_import_rows e
                     where e.import_id = p_import and e.email = t.email) as first_row
              from batch t
        )
        update crm.contact_import_rows s
           set duplicate_of = f.first_row
          from firsts f
         where s.import_id = p_import and s.row_no = f.row_no and f.first_row < f.row_no
        returning s.row_no, s.duplicate_of;
end $$;

-- The staged rows of one import of the current org from p_from_row on, in file order, without the
-- duplicates: what the import counts and writes.
create function crm.staged_contact_import_rows(p_import uuid, p_from_row integer)
    returns table (row_no integer, id uuid, first_name text, last_name text, email text, phone text, title text, tags text[])
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    return query
        select s.row_no, s.id, s.first_name, s.last_name, s.email, s.phone, s.title, s.tags
          from crm.contact_import_rows s
         where s.import_id = p_import and s.org_id = core.current_org_id()
           and s.row_no >= p_from_row and s.duplicate_of is null
         order by s.row_no;
end $$;

revoke execute on function crm.mark_contact_import_duplicates(uuid, integer), crm.staged_contact_import_rows(uuid, integer) from public;
grant execute on function crm.mark_contact_import_duplicates(uuid, integer), crm.staged_contact_import_rows(uuid, integer) to opsdash_app;
