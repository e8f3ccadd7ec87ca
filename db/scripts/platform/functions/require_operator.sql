create or replace function platform.require_operator() returns void
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if not platform.is_operator() then
        raise exception 'Only platform operators can do this.' using errcode = 'OD403';
    end if;
end $$;
