-- Membership changes, in SQL so the owner rules hold whatever the caller's code does:
-- only owners make or touch owners; admins manage admins, members and viewers; the last owner
-- can never be removed, demoted or leave. Owner rows are locked (FOR UPDATE) before counting, so
-- two owners demoting each other at once cannot both succeed.

-- get_org_members: the member list with profile fields, for members of the org only.
create function members.get_org_members(p_org_id uuid)
    returns table (member_id uuid, user_id uuid, email text, full_name text, avatar_url text, role text, joined_at timestamptz)
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if members.member_role(p_org_id) is null then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    return query
    select m.id, m.user_id, p.email, p.full_name, p.avatar_url, m.role, m.created_at
      from members.org_members m
      join organizations.profiles p on p.id = m.user_id
     where m.org_id = p_org_id
     order by array_position(array['owner', 'admin', 'member', 'viewer'], m.role), lower(coalesce(p.full_name, p.email)), m.id;
end $$;

-- The common start of every membership change: lock the org's owner rows (so concurrent changes
-- serialise), then read the caller's role (after the lock: they may just have been demoted) and
-- lock the target membership. Unknown org or member: not found.
create function members.lock_member_change(
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

create function members.update_org_member_role(p_org_id uuid, p_member_id uuid, p_role text)
    returns table (member_id uuid, user_id uuid, old_role text, new_role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    c record;
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
        raise exception 'The last owner cannot be demoted.' using errcode = 'OD409';
    end if;

    update members.org_members m set role = p_role where m.org_id = p_org_id and m.id = p_member_id;
    if c.target_role <> p_role then
        insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
        values (p_org_id, core.current_user_id(), 'member.role_changed', 'member', p_member_id::text,
                jsonb_build_object('userId', c.target_user_id, 'from', c.target_role, 'to', p_role));
    end if;
    return query select p_member_id, c.target_user_id, c.target_role, p_role;
end $$;

-- removeMember and leaveOrganization (p_member_id is the caller's own membership).
create function members.remove_org_member(p_org_id uuid, p_member_id uuid)
    returns table (member_id uuid, user_id uuid, role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    org_type text;
    c record;
begin
    select * into c from members.lock_member_change(p_org_id, p_member_id);
    select o.type into org_type from organizations.organizations o where o.id = p_org_id;
    if org_type = 'personal' then
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
        raise exception 'The last owner cannot leave or be removed; transfer ownership first.' using errcode = 'OD409';
    end if;

    delete from members.org_members m where m.org_id = p_org_id and m.id = p_member_id;
    update organizations.profiles p
       set current_org_id = organizations.personal_org_id(p.id)
     where p.id = c.target_user_id and p.current_org_id = p_org_id;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (p_org_id, caller, case when c.target_user_id = caller then 'member.left' else 'member.removed' end,
            'member', p_member_id::text, jsonb_build_object('userId', c.target_user_id, 'role', c.target_role));
    return query select p_member_id, c.target_user_id, c.target_role;
end $$;

-- Invitation landing page: what the token is for, without revealing anything else. Anonymous.
create function members.get_invitation_by_token(p_token_hash bytea)
    returns table (org_name text, org_slug text, email text, role text, invited_by_name text, expires_at timestamptz, status text)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select o.name, o.slug, i.email, i.role, coalesce(p.full_name, p.email), i.expires_at,
               case when i.accepted_at is not null then 'accepted'
                    when i.expires_at <= now() then 'expired'
                    else 'pending' end
          from members.invitations i
          join organizations.organizations o on o.id = i.org_id and o.deleted_at is null
          left join organizations.profiles p on p.id = i.invited_by
         where i.token_hash = p_token_hash
    $$;

-- acceptInvitation: single use, unexpired, for the caller's own email; joins and switches to the org.
create function members.accept_invitation(p_token_hash bytea)
    returns table (org_id uuid, org_slug text, role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    caller_email text;
    inv members.invitations;
    slug text;
begin
    select u.email into caller_email from auth.users u where u.id = caller;
    if caller_email is null then
        raise exception 'not authenticated' using errcode = 'OD403';
    end if;
    select i.* into inv from members.invitations i
      join organizations.organizations o on o.id = i.org_id and o.deleted_at is null
     where i.token_hash = p_token_hash
       for update of i;
    if not found or inv.accepted_at is not null then
        raise exception 'Invitation not found.' using errcode = 'OD404';
    end if;
    if inv.expires_at <= now() then
        raise exception 'This invitation has expired; ask for a new one.' using errcode = 'OD409';
    end if;
    if inv.email <> caller_email then
        raise exception 'This invitation was sent to another email address.' using errcode = 'OD403';
    end if;
    if exists (select 1 from members.org_members m where m.org_id = inv.org_id and m.user_id = caller) then
        raise exception 'You are already a member of this organization.' using errcode = 'OD409';
    end if;

    insert into members.org_members (org_id, user_id, role) values (inv.org_id, caller, inv.role);
    update members.invitations i set accepted_at = now(), accepted_by = caller where i.org_id = inv.org_id and i.id = inv.id;
    update organizations.profiles p set current_org_id = inv.org_id where p.id = caller;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (inv.org_id, caller, 'member.joined', 'invitation', inv.id::text, jsonb_build_object('role', inv.role, 'email', inv.email));

    select o.slug into slug from organizations.organizations o where o.id = inv.org_id;
    return query select inv.org_id, slug, inv.role;
end $$;

revoke execute on all functions in schema members from public;
grant execute on function members.member_org_ids(), members.writer_org_ids(), members.admin_org_ids(),
    members.is_org_member(uuid), members.is_org_admin(uuid), members.member_role(uuid),
    members.get_org_members(uuid), members.update_org_member_role(uuid, uuid, text),
    members.remove_org_member(uuid, uuid), members.get_invitation_by_token(bytea), members.accept_invitation(bytea)
    to opsdash_app;
