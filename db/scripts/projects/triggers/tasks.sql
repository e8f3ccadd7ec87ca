create or replace trigger tasks_touch before update on projects.tasks for each row execute function core.touch_updated_at();

create or replace trigger tasks_completion before insert or update of status on projects.tasks
    for each row execute function projects.stamp_task_completion();

create or replace trigger tasks_parents_live before insert or update of project_id, milestone_id on projects.tasks
    for each row execute function projects.check_task_parents();
