-- The fire's time when the trigger may fire for the subject now (never, or 24 hours or more ago), else null.
create or replace function automation.take_time_fire(p_trigger uuid, p_subject uuid) returns timestamptz
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_fired timestamptz;
begin
    insert into automation.time_trigger_fires as f (org_id, trigger_id, subject_id, fired_at)
    values (core.current_org_id(), p_trigger, p_subject, now())
    on conflict (org_id, trigger_id, subject_id) do update set fired_at = now()
     where f.fired_at <= now() - interval '24 hours'
    returning f.fired_at into v_fired;
    return v_fired;
end $$;

grant execute on function automation.take_time_fire(uuid, uuid) to opsdash_app;
