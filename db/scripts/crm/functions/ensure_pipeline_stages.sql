-- For requests: any member (a viewer's first read included) seeds the current org's pipeline.
create or replace function crm.ensure_pipeline_stages(p_org uuid) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if p_org is distinct from core.current_org_id() or not (p_org = any (members.member_org_ids())) then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    if not exists (select 1 from crm.pipeline_stages s where s.org_id = p_org) then
        perform crm.seed_pipeline_stages(p_org);
    end if;
end $$;

grant execute on function crm.ensure_pipeline_stages(uuid) to opsdash_app;
