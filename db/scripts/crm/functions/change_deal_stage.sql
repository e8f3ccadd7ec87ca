-- changeDealStage: lock the deal, move it, and say from where to where (the history row is the
-- trigger's). Not found: the deal or the stage is not a live one of the org. Same stage: no change.
create or replace function crm.change_deal_stage(p_org uuid, p_deal uuid, p_stage uuid)
    returns table (changed boolean, from_stage_id uuid, from_name text, to_stage_id uuid, to_name text, to_status text)
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_from uuid;
begin
    select d.stage_id into v_from from crm.deals d
     where d.org_id = p_org and d.id = p_deal and d.deleted_at is null
       for update;
    if not found then
        raise exception 'Deal not found' using errcode = 'OD404';
    end if;
    if v_from <> p_stage then
        update crm.deals d set stage_id = p_stage where d.org_id = p_org and d.id = p_deal;
    end if;
    return query
        select v_from <> p_stage, v_from, f.name, t.id, t.name,
               case when t.is_won then 'won' when t.is_lost then 'lost' else 'open' end
          from crm.pipeline_stages t
          join crm.pipeline_stages f on f.org_id = p_org and f.id = v_from
         where t.org_id = p_org and t.id = p_stage and t.deleted_at is null;
    if not found then
        raise exception 'Stage not found' using errcode = 'OD404';
    end if;
end $$;

grant execute on function crm.change_deal_stage(uuid, uuid, uuid) to opsdash_app;
