-- The caller, as set for this transaction by the app (set_config(..., true)). Empty means none.
create or replace function core.current_user_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

grant execute on function core.current_user_id() to opsdash_app;
