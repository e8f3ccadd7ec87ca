-- The API key a request acts with (ADR 0021), set with the org by organizations.enter_api_key_request.
-- Empty means none: a user's request or a job.
create or replace function core.current_api_key_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.api_key_id', true), '')::uuid $$;

grant execute on function core.current_api_key_id() to opsdash_app;
