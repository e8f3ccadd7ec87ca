create or replace trigger pipeline_stages_touch before update on crm.pipeline_stages for each row execute function core.touch_updated_at();

drop trigger if exists pipeline_stages_keep_open on crm.pipeline_stages;
create constraint trigger pipeline_stages_keep_open after update of is_won, is_lost, deleted_at on crm.pipeline_stages
    for each row execute function crm.check_open_stage();

create or replace trigger pipeline_stages_sync_deals after update of is_won, is_lost on crm.pipeline_stages
    for each row when (old.is_won is distinct from new.is_won or old.is_lost is distinct from new.is_lost)
    execute function crm.sync_deal_status();

-- A live stage added, or a deleted one brought back.
create or replace trigger pipeline_stages_cap before insert or update of deleted_at on crm.pipeline_stages
    for each row when (new.deleted_at is null)
    execute function crm.check_stage_count();
