create or replace trigger workflow_triggers_touch before update on automation.workflow_triggers for each row execute function core.touch_updated_at();
