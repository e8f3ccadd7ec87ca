-- One lock per org's pipeline: seeding, and every change that could leave it without an open stage.
create or replace function crm.lock_pipeline(p_org uuid) returns void
    language sql volatile
    set search_path = pg_catalog, pg_temp
    as $$ select pg_advisory_xact_lock(hashtextextended('crm.pipeline_stages:' || p_org::text, 0)) $$;

grant execute on function crm.lock_pipeline(uuid) to opsdash_app;
