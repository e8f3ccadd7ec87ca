-- The inbound hook a request acts for (ADR 0021), set with the org by organizations.enter_inbound_hook_request.
-- Empty means none.
create or replace function core.current_inbound_hook_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.inbound_hook_id', true), '')::uuid $$;

grant execute on function core.current_inbound_hook_id() to opsdash_app;
