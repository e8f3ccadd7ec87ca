-- The readiness probe (as opsdash_app) compares applied scripts with the files on disk. Names
-- and checksums are no secret (the scripts are in the repository); nothing else is exposed.
create or replace function core.applied_migrations()
    returns table (script_name text, checksum text)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$ select j.script_name, j.checksum from migrations.journal j $$;

grant execute on function core.applied_migrations() to opsdash_app;
