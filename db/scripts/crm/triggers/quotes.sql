create or replace trigger quotes_touch before update on crm.quotes for each row execute function core.touch_updated_at();
