-- The readiness probe (as opsdash_app) also compares the re-appliable files on disk with the version of each
-- last applied (migrations.repeatable, the runner's). Paths and checksums are no secret either.
create or replace function core.applied_repeatables()
    returns table (path text, checksum text)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$ select r.path, r.checksum from migrations.repeatable r $$;

grant execute on function core.applied_repeatables() to opsdash_app;
