create or replace trigger milestones_touch before update on projects.milestones for each row execute function core.touch_updated_at();

create or replace trigger milestones_parent_live before insert on projects.milestones
    for each row execute function projects.check_task_parents();
