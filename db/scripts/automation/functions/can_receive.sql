-- Whether a user can receive in the current org: is a member of it now. For senders that are jobs,
-- which run after the event and may find the user gone; answers only inside the caller's own org.
create or replace function automation.can_receive(p_org uuid, p_user uuid) returns boolean
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
    select p_org = core.current_org_id() and p_org = any (members.member_org_ids())
       and exists (select 1 from members.org_members m where m.org_id = p_org and m.user_id = p_user)
    $$;

grant execute on function automation.can_receive(uuid, uuid) to opsdash_app;
