create or replace trigger feature_flags_touch before update on organizations.feature_flags for each row execute function core.touch_updated_at();
