create or replace trigger users_touch before update on auth.users for each row execute function core.touch_updated_at();
