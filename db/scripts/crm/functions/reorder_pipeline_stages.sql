-- reorderPipelineStages: p_ids is every live stage of the org, in the new order.
create or replace function crm.reorder_pipeline_stages(p_org uuid, p_ids uuid[]) returns void
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(p_org);
    if exists (select 1 from unnest(p_ids) i(id)
                where not exists (select 1 from crm.pipeline_stages s where s.org_id = p_org and s.id = i.id and s.deleted_at is null)) then
        raise exception 'Stage not found' using errcode = 'OD404';
    end if;
    if cardinality(p_ids) <> (select count(distinct i) from unnest(p_ids) i)
       or cardinality(p_ids) <> (select count(*) from crm.pipeline_stages s where s.org_id = p_org and s.deleted_at is null) then
        raise exception 'ids must list every stage exactly once' using errcode = 'OD400', hint = 'ids';
    end if;
    update crm.pipeline_stages s set position = i.ord - 1
      from unnest(p_ids) with ordinality i(id, ord)
     where s.org_id = p_org and s.id = i.id and s.position <> i.ord - 1;
end $$;

grant execute on function crm.reorder_pipeline_stages(uuid, uuid[]) to opsdash_app;
