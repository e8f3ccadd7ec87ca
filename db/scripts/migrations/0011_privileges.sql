-- Least privilege for functions and the migration journal.

-- Functions the migrator creates from now on are executable by nobody until a script grants them.
alter default privileges revoke execute on functions from public;
-- And the ones already there: every function the app calls has its own grant to opsdash_app.
revoke execute on all functions in schema core, auth, organizations, members from public;

-- migrations.journal is the migrator's alone, like every other table: RLS on and forced (the
-- owner bypasses it), nothing granted to the app roles.
revoke all on migrations.journal from opsdash_app;
revoke usage on schema migrations from opsdash_app;
alter table migrations.journal enable row level security;
alter table migrations.journal force row level security;

-- The readiness probe (as opsdash_app) compares applied scripts with the files on disk. Names
-- and checksums are no secret (the scripts are in the repository); nothing else is exposed.
create function core.applied_migrations()
    returns table (script_name text, checksum text)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$ select j.script_name, j.checksum from migrations.journal j $$;

grant execute on function core.applied_migrations() to opsdash_app;
