-- The organization the current request resolved from its URL slug. Empty means none.
create or replace function core.current_org_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;

grant execute on function core.current_org_id() to opsdash_app;
