-- The common start of every membership change: lock the org's owner rows (so concurrent changes
-- serialise), then read the caller's role (after the lock: they may just have been demoted) and
-- lock the target membership. Unknown org or member: not found.
create or replace function members.lock_member_change(
    p_org_id uuid, p_member_id uuid,
    out owners integer, out caller_role text, out target_user_id uuid, out target_role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    select count(*)::integer into owners from (
        select 1 from members.org_members m where m.org_id = p_org_id and m.role = 'owner' for update
    ) locked_owners;
    caller_role := members.member_role(p_org_id);
    if caller_role is null then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    select m.user_id, m.role into target_user_id, target_role
      from members.org_members m where m.org_id = p_org_id and m.id = p_member_id for update;
    if not found then
        raise exception 'Member not found.' using errcode = 'OD404';
    end if;
end $$;
