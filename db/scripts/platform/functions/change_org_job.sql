-- For an org admin, in the org the request acts in: a job of any other org is not found.
create or replace function platform.change_org_job(p_org_id uuid, p_id bigint, p_action text)
    returns table (id bigint, kind text, queue text, state text, priority smallint, attempt integer, max_attempts integer,
                   run_at timestamptz, last_error text, attempted_at timestamptz, finished_at timestamptz, created_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if p_org_id is distinct from core.current_org_id() or not members.is_org_member(p_org_id) then
        raise exception 'Job not found.' using errcode = 'OD404';
    end if;
    if not members.is_org_admin(p_org_id) then
        raise exception 'Only owners and admins can do this.' using errcode = 'OD403';
    end if;
    return query select * from platform.change_job(p_id, p_org_id, p_action);
end $$;

grant execute on function platform.change_org_job(uuid, bigint, text) to opsdash_app;
