-- The staged rows of one import of the current org, in file order.
create or replace function crm.staged_contact_import(p_import uuid)
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

grant execute on function crm.staged_contact_import(uuid) to opsdash_app;
