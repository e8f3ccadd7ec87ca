-- A job for one org counts as its member only while the org is live. Definer, so the
-- lookup does not itself go through the policies it feeds.
create or replace function members.job_org_ids() returns uuid[]
    language plpgsql stable security definer parallel safe
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if core.is_system() and core.current_org_id() is not null and exists (
            select 1 from organizations.organizations o
             where o.id = core.current_org_id() and o.deleted_at is null) then
        return array[core.current_org_id()];
    end if;
    return '{}'::uuid[];
end $$;

grant execute on function members.job_org_ids() to opsdash_app;
