create or replace trigger profiles_touch before update on organizations.profiles for each row execute function core.touch_updated_at();
