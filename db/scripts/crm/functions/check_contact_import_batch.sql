-- One staged batch of an import (rows from p_from_row on), checked in one statement: marks the rows that repeat
-- an earlier row's email (crm.mark_contact_import_duplicates) and counts, among the others, those that would create
-- a contact (no email, or one no live contact of the org has), for the plan's cap. The count reads the staged rows
-- after the marks (a later statement of this function), so a duplicate never counts.
create or replace function crm.check_contact_import_batch(p_import uuid, p_from_row integer,
                                                           out duplicate_rows integer[], out duplicate_of integer[], out new_contacts bigint)
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    select coalesce(array_agg(m.row_no order by m.row_no), '{}'), coalesce(array_agg(m.duplicate_of order by m.row_no), '{}')
      into duplicate_rows, duplicate_of
      from crm.mark_contact_import_duplicates(p_import, p_from_row) m;
    select count(*) into new_contacts
      from crm.staged_contact_import_rows(p_import, p_from_row) s
     where s.email is null
        or not exists (select 1 from crm.contacts c
                        where c.org_id = core.current_org_id() and c.email = s.email and c.deleted_at is null);
end $$;

grant execute on function crm.check_contact_import_batch(uuid, integer) to opsdash_app;
