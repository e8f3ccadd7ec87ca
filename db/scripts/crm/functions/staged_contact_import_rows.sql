-- The staged rows of one import of the current org from p_from_row on, in file order, without the
-- duplicates: what the import counts and writes.
create or replace function crm.staged_contact_import_rows(p_import uuid, p_from_row integer)
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

grant execute on function crm.staged_contact_import_rows(uuid, integer) to opsdash_app;
