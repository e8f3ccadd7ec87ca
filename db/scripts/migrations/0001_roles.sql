-- The application role: logs in, owns nothing, cannot bypass RLS. Every object is owned by the
-- migrator's role (opsdash_owner, created by the bootstrap or a DBA) and granted to opsdash_app
-- explicitly, object by object, in the script that creates it.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'opsdash_app') then
        create role opsdash_app login nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
    end if;
    execute format('revoke all on database %I from public', current_database());
    execute format('grant connect, temporary on database %I to opsdash_app', current_database());
end $$;

-- Nobody creates objects in public.
revoke create on schema public from public;

-- The readiness probe compares the journal with the scripts on disk.
grant usage on schema migrations to opsdash_app;
grant select on migrations.journal to opsdash_app;
