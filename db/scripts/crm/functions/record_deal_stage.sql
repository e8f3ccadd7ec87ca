create or replace function crm.record_deal_stage() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if core.restoring() then
        return null; -- an organization import brings the exported history (ADR 0023)
    end if;
    insert into crm.deal_stage_history (org_id, deal_id, from_stage_id, to_stage_id, changed_by_user_id)
    values (new.org_id, new.id, case when tg_op = 'UPDATE' then old.stage_id end, new.stage_id, core.current_user_id());
    return null;
end $$;
