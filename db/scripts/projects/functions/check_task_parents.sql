-- Tasks and milestones go only into a live project, and a task only into a live milestone.
create or replace function projects.check_task_parents() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if core.restoring() then
        return new; -- an organization import keeps the exported values (ADR 0023)
    end if;
    if not exists (select 1 from projects.projects p where p.org_id = new.org_id and p.id = new.project_id and p.deleted_at is null) then
        raise exception 'Project not found' using errcode = 'OD404';
    end if;
    -- Nested: NEW of a milestone has no milestone_id to look at.
    if tg_table_name = 'tasks' then
        if new.milestone_id is not null
           and not exists (select 1 from projects.milestones m
                            where m.org_id = new.org_id and m.project_id = new.project_id and m.id = new.milestone_id and m.deleted_at is null) then
            raise exception 'Milestone not found' using errcode = 'OD404';
        end if;
    end if;
    return new;
end $$;
