-- Removes one import's staged rows (the same transaction that staged them); returns how many.
create or replace function crm.clear_contact_import(p_import uuid) returns bigint
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

grant execute on function crm.clear_contact_import(uuid) to opsdash_app;
