-- Sealed secrets in a job's args (SecretBox, ADR 0008: the link of an invitation or verification
-- email) live only until the job finishes: when it becomes completed, dead or cancelled, its
-- top-level keys starting with "sealed" are removed. A trigger, so whichever function finishes the
-- job (complete, fail, rescue, a discard from the API) clears them without being changed. Its WHEN
-- clause keeps jobs without such a key (nearly all) from calling the function: a LIKE on the args'
-- text, about 0.7 µs a row here (a jsonpath test of the keys costs twice that); a value that merely
-- contains "sealed only costs a call that removes nothing.
create function jobs.clear_sealed_args() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if jsonb_typeof(new.args) = 'object' then
        new.args := new.args - array(select k from jsonb_object_keys(new.args) k where k like 'sealed%');
    end if;
    return new;
end $$;

revoke execute on function jobs.clear_sealed_args() from public;

create trigger jobs_clear_sealed_args before update of state on jobs.jobs
    for each row
    when (new.state in ('completed', 'dead', 'cancelled') and new.args::text like '%"sealed%')
    execute function jobs.clear_sealed_args();
