create or replace trigger deals_touch before update of title, stage_id, contact_id, company_id, owner_user_id, amount, currency, expected_close_date, deleted_at
    on crm.deals for each row execute function core.touch_updated_at();

create or replace trigger deals_links_live before insert or update of stage_id, contact_id, company_id on crm.deals
    for each row execute function crm.check_deal_links();

create or replace trigger deals_stage_history after insert or update of stage_id on crm.deals
    for each row when (new.deleted_at is null)
    execute function crm.record_deal_stage();
