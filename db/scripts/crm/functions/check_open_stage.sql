create or replace function crm.check_open_stage() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform crm.lock_pipeline(new.org_id);
    -- A fresh snapshot after the lock (volatile function, read committed): a concurrent change has committed.
    if not exists (select 1 from crm.pipeline_stages s
                    where s.org_id = new.org_id and s.deleted_at is null and not s.is_won and not s.is_lost) then
        raise exception 'The pipeline must keep at least one open stage' using errcode = 'OD409', hint = 'last_open_stage';
    end if;
    return null;
end $$;
