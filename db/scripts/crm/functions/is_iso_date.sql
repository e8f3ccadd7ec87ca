create or replace function crm.is_iso_date(p text) returns boolean
    language plpgsql immutable
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if p !~ '^\d{4}-\d{2}-\d{2}$' then
        return false;
    end if;
    perform p::date;
    return true;
exception when others then
    return false;
end $$;

grant execute on function crm.is_iso_date(text) to opsdash_app;
