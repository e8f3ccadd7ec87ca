create or replace trigger leads_touch before update on crm.leads for each row execute function core.touch_updated_at();
