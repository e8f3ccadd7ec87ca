create or replace trigger org_members_touch before update on members.org_members for each row execute function core.touch_updated_at();
