-- done sets completed_at, anything else clears it: "completed" is a fact about the status, kept by the row.
create or replace function projects.stamp_task_completion() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if core.restoring() then
        return new; -- an organization import keeps the exported values (ADR 0023)
    end if;
    if new.status = 'done' and (tg_op = 'INSERT' or old.status <> 'done') then
        new.completed_at := now();
    elsif new.status <> 'done' then
        new.completed_at := null;
    end if;
    return new;
end $$;
