-- True inside an organization import's transaction (ADR 0023): the rows come from a snapshot that already
-- obeyed the row triggers' rules (live parents, stage history, completion stamps, activity times), so those
-- triggers keep the imported values instead of deriving new ones. Row-level security, foreign keys and
-- check constraints still apply. Transaction-local: set by the import with set_config(..., true).
create or replace function core.restoring() returns boolean
    language sql stable parallel safe
    as $$ select coalesce(current_setting('app.restoring', true), '') = 'on' $$;

grant execute on function core.restoring() to opsdash_app;
