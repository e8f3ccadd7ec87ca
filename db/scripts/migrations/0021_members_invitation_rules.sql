-- Invitations obey the same rules as role changes, in the database: created only through
-- members.create_invitation (only owners invite owners, never into a personal workspace, seat
-- limit under the same lock FeatureAccess takes), and a pending invitation never outlives its
-- inviter's rights: it is revoked when the inviter is demoted or leaves, and acceptance
-- re-checks the inviter's current role. Billing owners cannot be removed, demoted or leave
-- until billing ownership moves (organizations.transfer_billing_owner).

-- The app no longer inserts invitations itself.
drop policy invitations_admin_insert on members.invitations;
revoke insert on members.invitations from opsdash_app;

-- The lock key FeatureAccess.CheckUsageLimitAsync takes for a counted feature of an org, so SQL
-- and C# checks of the same limit serialise with each other.
create function core.lock_usage_limit(p_org_id uuid, p_feature_key text) returns void
    language sql volatile
    set search_path = pg_catalog, pg_temp
    as $$ select pg_advisory_xact_lock(hashtextextended('limit:' || p_org_id::text || ':' || p_feature_key, 0)) $$;

-- inviteMember. Raises OD409 with the reason in HINT (already_member, already_invited) and OD402
-- with HINT 'feature;cap'.
create function members.create_invitation(p_email text, p_role text, p_token_hash bytea, p_valid_for interval)
    returns table (id uuid, email text, role text, expires_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_caller uuid := core.current_user_id();
    v_email text := lower(btrim(coalesce(p_email, '')));
    v_caller_role text;
    v_org_type text;
    v_cap bigint;
    v_used bigint;
begin
    v_caller_role := members.member_role(v_org);
    select o.type into v_org_type from organizations.organizations o where o.id = v_org and o.deleted_at is null;
    if v_caller_role is null or v_org_type is null then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    if v_caller_role not in ('owner', 'admin') then
        raise exception 'Only owners and admins can invite members.' using errcode = 'OD403';
    end if;
    if v_org_type = 'personal' then
        raise exception 'A personal workspace has no other members. Create a team organization to invite people.' using errcode = 'OD403';
    end if;
    if p_role is null or p_role not in ('owner', 'admin', 'member', 'viewer') then
        raise exception 'Role must be one of owner, admin, member, viewer.' using errcode = 'OD400', hint = 'role';
    end if;
    if p_role = 'owner' and v_caller_role <> 'owner' then
        raise exception 'Only owners can invite owners.' using errcode = 'OD403';
    end if;

    perform core.lock_usage_limit(v_org, 'members:seats');
    -- Re-read the caller's role after the lock: a concurrent demotion may have just committed.
    if members.member_role(v_org) is distinct from v_caller_role then
        raise exception 'Your role in this organization just changed; try again.' using errcode = 'OD409', hint = 'role_changed';
    end if;

    if exists (select 1 from members.org_members m join auth.users u on u.id = m.user_id
                where m.org_id = v_org and u.email = v_email) then
        raise exception '% is already a member of this organization.', v_email using errcode = 'OD409', hint = 'already_member';
    end if;
    delete from members.invitations i
     where i.org_id = v_org and i.email = v_email and i.accepted_at is null and i.expires_at <= now();
    if exists (select 1 from members.invitations i where i.org_id = v_org and i.email = v_email and i.accepted_at is null) then
        raise exception '% already has a pending invitation; revoke it to send a new one.', v_email
            using errcode = 'OD409', hint = 'already_invited';
    end if;

    select l.limit_value into v_cap from organizations.plan_limits l
     where l.plan_key = organizations.org_plan(v_org) and l.feature_key = 'members:seats';
    select (select count(*) from members.org_members m where m.org_id = v_org)
         + (select count(*) from members.invitations i where i.org_id = v_org and i.accepted_at is null and i.expires_at > now())
      into v_used;
    if v_cap is not null and v_used + 1 > v_cap then
        raise exception 'Your plan allows % seat(s) in this workspace.', v_cap
            using errcode = 'OD402', hint = 'members:seats;' || v_cap;
    end if;

    return query
    insert into members.invitations as i (org_id, email, role, token_hash, invited_by, expires_at)
    values (v_org, v_email, p_role, p_token_hash, v_caller, now() + p_valid_for)
    returning i.id, i.email, i.role, i.expires_at;
end $$;

-- Pending invitations that the user could no longer send: all of them when they are no longer an
-- admin or owner of the org, the owner invitations when they are no longer an owner.
create function members.revoke_invitations_beyond_role(p_org_id uuid, p_user_id uuid, p_role text) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    revoked integer;
begin
    delete from members.invitations i
     where i.org_id = p_org_id and i.invited_by = p_user_id and i.accepted_at is null
       and (p_role is null or p_role not in ('owner', 'admin') or (p_role = 'admin' and i.role = 'owner'));
    get diagnostics revoked = row_count;
    return revoked;
end $$;

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

-- acceptInvitation, re-checking that the inviter could still send this invitation now (belt and
-- braces with the revocation above: an invitation made before this script ran was never revoked).
create or replace function members.accept_invitation(p_token_hash bytea)
    returns table (org_id uuid, org_slug text, role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    caller_email text;
    inv members.invitations;
    inviter_role text;
    slug text;
begin
    select u.email into caller_email from auth.users u where u.id = caller and u.email_verified_at is not null;
    if caller_email is null then
        raise exception 'Verify your email address before accepting an invitation.' using errcode = 'OD403', hint = 'email_unverified';
    end if;
    select i.* into inv from members.invitations i
      join organizations.organizations o on o.id = i.org_id and o.deleted_at is null
     where i.token_hash = p_token_hash
       for update of i;
    if not found or inv.accepted_at is not null then
        raise exception 'Invitation not found.' using errcode = 'OD404';
    end if;
    if inv.expires_at <= now() then
        raise exception 'This invitation has expired; ask for a new one.' using errcode = 'OD409', hint = 'expired';
    end if;
    if inv.email <> caller_email then
        raise exception 'This invitation was sent to another email address.' using errcode = 'OD403';
    end if;
    -- The owner rows are the lock every membership change takes first.
    perform 1 from members.org_members m where m.org_id = inv.org_id and m.role = 'owner' for update;
    select m.role into inviter_role from members.org_members m where m.org_id = inv.org_id and m.user_id = inv.invited_by;
    if inviter_role is null or inviter_role not in ('owner', 'admin') or (inv.role = 'owner' and inviter_role <> 'owner') then
        delete from members.invitations i where i.org_id = inv.org_id and i.id = inv.id;
        raise exception 'Invitation not found.' using errcode = 'OD404';
    end if;
    if exists (select 1 from members.org_members m where m.org_id = inv.org_id and m.user_id = caller) then
        raise exception 'You are already a member of this organization.' using errcode = 'OD409', hint = 'already_member';
    end if;

    insert into members.org_members (org_id, user_id, role) values (inv.org_id, caller, inv.role);
    update members.invitations i set accepted_at = now(), accepted_by = caller where i.org_id = inv.org_id and i.id = inv.id;
    update organizations.profiles p set current_org_id = inv.org_id where p.id = caller;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (inv.org_id, caller, 'member.joined', 'invitation', inv.id::text, jsonb_build_object('role', inv.role, 'email', inv.email));

    select o.slug into slug from organizations.organizations o where o.id = inv.org_id;
    return query select inv.org_id, slug, inv.role;
end $$;

-- Billing ownership of a team workspace moves to another of its owners, within the new billing
-- owner's orgs:team cap (checked under the same lock create_team_org takes: their personal org row).
create function organizations.transfer_billing_owner(p_org_id uuid, p_new_owner uuid)
    returns table (org_id uuid, previous_billing_owner uuid, billing_owner uuid)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    org organizations.organizations;
    personal_id uuid;
    cap bigint;
    used bigint;
begin
    perform 1 from members.org_members m where m.org_id = p_org_id and m.role = 'owner' for update;
    select * into org from organizations.organizations o where o.id = p_org_id and o.deleted_at is null for update;
    if not found or members.member_role(p_org_id) is null then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    if members.member_role(p_org_id) <> 'owner' then
        raise exception 'Only owners can move billing ownership.' using errcode = 'OD403';
    end if;
    if org.type = 'personal' then
        raise exception 'A personal workspace is always billed to its own user.' using errcode = 'OD403';
    end if;
    if not exists (select 1 from members.org_members m where m.org_id = p_org_id and m.user_id = p_new_owner and m.role = 'owner') then
        raise exception 'The new billing owner must be an owner of this organization.' using errcode = 'OD400', hint = 'userId';
    end if;
    if org.billing_owner_user_id = p_new_owner then
        return query select p_org_id, org.billing_owner_user_id, p_new_owner;
        return;
    end if;

    select o.id into personal_id from organizations.organizations o
     where o.billing_owner_user_id = p_new_owner and o.type = 'personal' for update;
    select l.limit_value into cap from organizations.plan_limits l
     where l.plan_key = organizations.plan_of_personal_org(personal_id) and l.feature_key = 'orgs:team';
    select count(*) into used from organizations.organizations o
     where o.billing_owner_user_id = p_new_owner and o.type = 'team' and o.deleted_at is null;
    if cap is not null and used + 1 > cap then
        raise exception 'The new billing owner''s plan allows % team workspace(s).', cap
            using errcode = 'OD402', hint = 'orgs:team;' || cap;
    end if;

    update organizations.organizations o set billing_owner_user_id = p_new_owner where o.id = p_org_id;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (p_org_id, caller, 'organization.billing_owner_changed', 'organization', p_org_id::text,
            jsonb_build_object('from', org.billing_owner_user_id, 'to', p_new_owner));
    return query select p_org_id, org.billing_owner_user_id, p_new_owner;
end $$;

-- The plan of a personal org's live subscription, without the membership check org_plan makes
-- (the new billing owner's personal org is not the caller's).
create function organizations.plan_of_personal_org(p_personal_org_id uuid) returns text
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select coalesce((select s.plan_key from organizations.subscriptions s
                          where s.org_id = p_personal_org_id and s.status in ('active', 'trialing', 'past_due')), 'free')
    $$;

revoke execute on function core.lock_usage_limit(uuid, text), members.create_invitation(text, text, bytea, interval),
    members.revoke_invitations_beyond_role(uuid, uuid, text), organizations.transfer_billing_owner(uuid, uuid),
    organizations.plan_of_personal_org(uuid) from public;
grant execute on function core.lock_usage_limit(uuid, text), members.create_invitation(text, text, bytea, interval),
    organizations.transfer_billing_owner(uuid, uuid) to opsdash_app;

-- Viewers write nothing: audit and outbox rows come only from writers (definer functions, which
-- bypass RLS, record what viewers themselves do, such as leaving).
drop policy audit_logs_member_insert on organizations.audit_logs;
create policy audit_logs_writer_insert on organizations.audit_logs for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[])
                and actor_user_id is not distinct from core.current_user_id());

drop policy outbox_insert on core.outbox_messages;
create policy outbox_insert on core.outbox_messages for insert to opsdash_app
    with check (core.is_system()
                or (org_id is null and core.current_org_id() is null)
                or (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[])));
