create or replace trigger projects_touch before update on projects.projects for each row execute function core.touch_updated_at();
