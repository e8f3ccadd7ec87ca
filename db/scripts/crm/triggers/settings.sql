create or replace trigger settings_touch before update on crm.settings for each row execute function core.touch_updated_at();
