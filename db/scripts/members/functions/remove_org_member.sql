create or replace function members.remove_org_member(p_org_id uuid, p_member_id uuid)
    returns table (member_id uuid, user_id uuid, role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    org organizations.organizations;
    c record;
    revoked integer;
begin
    select * into c from members.lock_member_change(p_org_id, p_member_id);
    select * into org from organizations.organizations o where o.id = p_org_id;
    if org.type = 'personal' then
        raise exception 'Nobody leaves or is removed from a personal workspace.' using errcode = 'OD403';
    end if;
    if c.target_user_id <> caller then
        if c.caller_role not in ('owner', 'admin') then
            raise exception 'Only owners and admins can remove members.' using errcode = 'OD403';
        end if;
        if c.target_role = 'owner' and c.caller_role <> 'owner' then
            raise exception 'Only owners can remove an owner.' using errcode = 'OD403';
        end if;
    end if;
    if c.target_role = 'owner' and c.owners <= 1 then
        raise exception 'The last owner cannot leave or be removed; transfer ownership first.' using errcode = 'OD409', hint = 'last_owner';
    end if;
    if org.billing_owner_user_id = c.target_user_id then
        raise exception 'The billing owner cannot leave or be removed; transfer billing ownership first.'
            using errcode = 'OD409', hint = 'billing_owner';
    end if;

    delete from members.org_members m where m.org_id = p_org_id and m.id = p_member_id;
    revoked := members.revoke_invitations_beyond_role(p_org_id, c.target_user_id, null);
    update organizations.profiles p
       set current_org_id = organizations.personal_org_id(p.id)
     where p.id = c.target_user_id and p.current_org_id = p_org_id;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (p_org_id, caller, case when c.target_user_id = caller then 'member.left' else 'member.removed' end,
            'member', p_member_id::text,
            jsonb_build_object('userId', c.target_user_id, 'role', c.target_role, 'revokedInvitations', revoked));
    return query select p_member_id, c.target_user_id, c.target_role;
end $$;

grant execute on function members.remove_org_member(uuid, uuid) to opsdash_app;
