create or replace function organizations.unique_slug(p_base text) returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    base text := trim(both '-' from regexp_replace(lower(coalesce(p_base, '')), '[^a-z0-9]+', '-', 'g'));
    candidate text;
begin
    base := trim(both '-' from left(base, 40));
    if length(base) < 3 then
        base := 'workspace';
    end if;
    candidate := base;
    while organizations.is_reserved_slug(candidate)
          or exists (select 1 from organizations.slugs s where s.slug = candidate) loop
        candidate := base || '-' || substr(md5(random()::text || clock_timestamp()::text), 1, 6);
    end loop;
    return candidate;
end $$;
