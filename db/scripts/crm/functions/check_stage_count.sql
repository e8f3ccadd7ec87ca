-- Issue 17 item 5: a pipeline has at most 100 live stages. Nothing capped the count, while reorder
-- (crm.reorder_pipeline_stages) takes every live stage's id in one request of at most 100 ids: a
-- pipeline grown past 100 could never be reordered again. The cap is checked here, under the
-- pipeline's lock (0041), so a burst of creates cannot pass it together; the reorder request's cap
-- (ReorderPipelineStages, PipelineStageLimits.MaxStages) is the same number.
create or replace function crm.check_stage_count() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(new.org_id);
    -- A fresh snapshot after the lock (read committed): a concurrent create has committed.
    if (select count(*) from crm.pipeline_stages s
         where s.org_id = new.org_id and s.deleted_at is null and s.id <> new.id) >= 100 then
        raise exception 'A pipeline has at most 100 stages' using errcode = 'OD409', hint = 'too_many_stages';
    end if;
    return new;
end $$;
