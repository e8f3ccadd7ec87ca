-- Marks the staged rows of one import of the current org, from p_from_row on, whose email an earlier
-- row of the import has; returns them with that row (the first with the email). The batch and its first
-- rows are materialized so each row's lookup (an index seek) runs once: the staging table never has
-- statistics, and with none the planner nested the lookup inside a join, once per pair of rows.
create or replace function crm.mark_contact_import_duplicates(p_import uuid, p_from_row integer)
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

grant execute on function crm.mark_contact_import_duplicates(uuid, integer) to opsdash_app;
