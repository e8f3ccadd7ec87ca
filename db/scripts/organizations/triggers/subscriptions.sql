create or replace trigger subscriptions_touch before update on organizations.subscriptions for each row execute function core.touch_updated_at();
