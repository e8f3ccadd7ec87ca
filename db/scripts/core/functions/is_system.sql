create or replace function core.is_system() returns boolean
    language sql stable parallel safe
    as $$ select coalesce(current_setting('app.system', true), '') = 'on' and session_user = 'opsdash_jobs' $$;

grant execute on function core.is_system() to opsdash_app;
