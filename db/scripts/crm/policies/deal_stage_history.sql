drop policy if exists deal_stage_history_select on crm.deal_stage_history;
create policy deal_stage_history_select on crm.deal_stage_history for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));

drop policy if exists deal_stage_history_insert on crm.deal_stage_history;
create policy deal_stage_history_insert on crm.deal_stage_history for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
