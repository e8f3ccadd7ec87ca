-- deletePipelineStage: a soft delete under the pipeline lock; a stage that live deals are in stays
-- (409 stage_in_use: move them first), and the open-stage rule above still applies.
create or replace function crm.delete_pipeline_stage(p_org uuid, p_stage uuid) returns void
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(p_org);
    perform 1 from crm.pipeline_stages s where s.org_id = p_org and s.id = p_stage and s.deleted_at is null for update;
    if not found then
        raise exception 'Stage not found' using errcode = 'OD404';
    end if;
    if exists (select 1 from crm.deals d where d.org_id = p_org and d.stage_id = p_stage and d.deleted_at is null) then
        raise exception 'Deals are in this stage; move them first' using errcode = 'OD409', hint = 'stage_in_use';
    end if;
    update crm.pipeline_stages s set deleted_at = now() where s.org_id = p_org and s.id = p_stage;
end $$;

grant execute on function crm.delete_pipeline_stage(uuid, uuid) to opsdash_app;
