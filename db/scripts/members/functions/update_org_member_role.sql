create or replace function members.update_org_member_role(p_org_id uuid, p_member_id uuid, p_role text)
    returns table (member_id uuid, user_id uuid, old_role text, new_role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    c record;
    revoked integer;
begin
    if p_role not in ('owner', 'admin', 'member', 'viewer') then
        raise exception 'Unknown role "%".', p_role using errcode = 'OD400', hint = 'role';
    end if;
    select * into c from members.lock_member_change(p_org_id, p_member_id);
    if c.caller_role not in ('owner', 'admin') then
        raise exception 'Only owners and admins can change roles.' using errcode = 'OD403';
    end if;
    if (c.target_role = 'owner' or p_role = 'owner') and c.caller_role <> 'owner' then
        raise exception 'Only owners can make or change owners.' using errcode = 'OD403';
    end if;
    if c.target_role = 'owner' and p_role <> 'owner' and c.owners <= 1 then
        raise exception 'The last owner cannot be demoted.' using errcode = 'OD409', hint = 'last_owner';
    end if;
    if p_role <> 'owner' and exists (select 1 from organizations.organizations o
                                      where o.id = p_org_id and o.billing_owner_user_id = c.target_user_id) then
        raise exception 'The billing owner must stay an owner; transfer billing ownership first.'
            using errcode = 'OD409', hint = 'billing_owner';
    end if;

    update members.org_members m set role = p_role where m.org_id = p_org_id and m.id = p_member_id;
    revoked := members.revoke_invitations_beyond_role(p_org_id, c.target_user_id, p_role);
    if c.target_role <> p_role then
        insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
        values (p_org_id, core.current_user_id(), 'member.role_changed', 'member', p_member_id::text,
                jsonb_build_object('userId', c.target_user_id, 'from', c.target_role, 'to', p_role, 'revokedInvitations', revoked));
    end if;
    return query select p_member_id, c.target_user_id, c.target_role, p_role;
end $$;

grant execute on function members.update_org_member_role(uuid, uuid, text) to opsdash_app;
