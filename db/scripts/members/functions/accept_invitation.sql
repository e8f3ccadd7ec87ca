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

grant execute on function members.accept_invitation(bytea) to opsdash_app;
