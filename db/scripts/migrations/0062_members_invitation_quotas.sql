-- Invitations are not a mail relay (issue 17). Invite, revoke, invite again sent an email each time,
-- to any outside address, with the inviter's free text in the subject. Now, in
-- members.create_invitation, under the org's lock, so a burst of concurrent invitations obeys it too:
-- * only an inviter with a verified email address invites (OD403, reason email_unverified);
-- * each org and each inviter (across all their orgs) creates at most so many invitations in 24 hours
--   (OD429, reason invitation_quota, with the seconds until the oldest one counted ages out);
-- * an address gets at most one invitation email from an org within recipient_email_hours: inviting
--   it again (after a revoke) creates the invitation, whose link the inviter gets in the response, but
--   queues no second email. Per org, not per address overall: a rule across orgs would tell one org
--   that another had just invited the address.
-- The email's subject is constant text (SendInvitationEmail); names stay in its body.

-- One row. A DBA changes the quotas with an update, e.g.
--   update members.invitation_policy set org_daily_invitations = 200;
create table members.invitation_policy (
    id                        boolean not null default true,
    org_daily_invitations     integer not null default 50,
    inviter_daily_invitations integer not null default 20,
    recipient_email_hours     integer not null default 24,
    constraint pk_invitation_policy primary key (id),
    constraint ck_invitation_policy_id check (id),
    constraint ck_invitation_policy_org_daily_invitations check (org_daily_invitations >= 1),
    constraint ck_invitation_policy_inviter_daily_invitations check (inviter_daily_invitations >= 1),
    constraint ck_invitation_policy_recipient_email_hours check (recipient_email_hours between 0 and 720)
);
insert into members.invitation_policy default values;
alter table members.invitation_policy enable row level security;
alter table members.invitation_policy force row level security;

-- Every invitation created, kept after it is revoked or accepted (the quotas count them) until
-- members.expire_invitations purges what no rule looks at any more. Only create_invitation reads and
-- writes it; the app role has no grant.
create table members.invitation_log (
    org_id     uuid        not null,
    id         uuid        not null default gen_random_uuid(),
    email      text        not null,
    invited_by uuid        not null,
    emailed    boolean     not null,
    created_at timestamptz not null default now(),
    constraint pk_invitation_log primary key (org_id, id),
    constraint fk_invitation_log_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_invitation_log_invited_by foreign key (invited_by) references auth.users (id) on delete cascade
);
create index ix_invitation_log_org_id on members.invitation_log (org_id, email, created_at);
create index ix_invitation_log_invited_by on members.invitation_log (invited_by, created_at);
create index ix_invitation_log_created_at on members.invitation_log (created_at);
alter table members.invitation_log enable row level security;
alter table members.invitation_log force row level security;

-- The answer gains send_email: whether the caller queues the invitation email.
drop function members.create_invitation(text, text, bytea, interval);

-- inviteMember. Raises OD403 (HINT email_unverified for an unverified inviter), OD409 with the reason
-- in HINT (already_member, already_invited, role_changed), OD402 with HINT 'feature;cap', and OD429
-- with HINT 'invitation_quota;<seconds to wait>'.
create function members.create_invitation(p_email text, p_role text, p_token_hash bytea, p_valid_for interval)
    returns table (id uuid, email text, role text, expires_at timestamptz, send_email boolean)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid := core.current_org_id();
    v_caller uuid := core.current_user_id();
    v_email text := lower(btrim(coalesce(p_email, '')));
    v_caller_role text;
    v_org_type text;
    v_policy members.invitation_policy;
    v_count bigint;
    v_oldest timestamptz;
    v_send boolean;
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
    if not exists (select 1 from auth.users u where u.id = v_caller and u.email_verified_at is not null) then
        raise exception 'Verify your email address before inviting anyone.' using errcode = 'OD403', hint = 'email_unverified';
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

    -- The org's lock (the seat limit's, shared with FeatureAccess), then the inviter's: always in this
    -- order, and nothing else takes the inviter's, so two invitations cannot deadlock.
    perform core.lock_usage_limit(v_org, 'members:seats');
    perform pg_advisory_xact_lock(hashtextextended('invitations:' || v_caller::text, 0));
    -- Re-read the caller's role after the lock: a concurrent demotion may have just committed.
    if members.member_role(v_org) is distinct from v_caller_role then
        raise exception 'Your role in this organization just changed; try again.' using errcode = 'OD409', hint = 'role_changed';
    end if;

    select * into v_policy from members.invitation_policy;
    select count(*), min(l.created_at) into v_count, v_oldest
      from members.invitation_log l where l.org_id = v_org and l.created_at > now() - interval '1 day';
    if v_count >= v_policy.org_daily_invitations then
        raise exception 'This organization has sent % invitations in the last 24 hours, the most it may; try again later.', v_count
            using errcode = 'OD429',
                  hint = 'invitation_quota;' || least(86400, greatest(1, ceil(extract(epoch from v_oldest + interval '1 day' - now()))))::bigint;
    end if;
    select count(*), min(l.created_at) into v_count, v_oldest
      from members.invitation_log l where l.invited_by = v_caller and l.created_at > now() - interval '1 day';
    if v_count >= v_policy.inviter_daily_invitations then
        raise exception 'You have sent % invitations in the last 24 hours, the most you may; try again later.', v_count
            using errcode = 'OD429',
                  hint = 'invitation_quota;' || least(86400, greatest(1, ceil(extract(epoch from v_oldest + interval '1 day' - now()))))::bigint;
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

    v_send := not exists (select 1 from members.invitation_log l
                           where l.org_id = v_org and l.email = v_email and l.emailed
                             and l.created_at > now() - make_interval(hours => v_policy.recipient_email_hours));
    insert into members.invitation_log (org_id, email, invited_by, emailed) values (v_org, v_email, v_caller, v_send);

    return query
    insert into members.invitations as i (org_id, email, role, token_hash, invited_by, expires_at)
    values (v_org, v_email, p_role, p_token_hash, v_caller, now() + p_valid_for)
    returning i.id, i.email, i.role, i.expires_at, v_send;
end $$;

revoke execute on function members.create_invitation(text, text, bytea, interval) from public;
grant execute on function members.create_invitation(text, text, bytea, interval) to opsdash_app;

-- As in 0030, and also purges the invitation log beyond the longest window a rule reads.
create or replace function members.expire_invitations(p_keep interval) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_expired integer;
begin
    if not core.is_system() then
        raise exception 'only background work expires invitations' using errcode = '42501';
    end if;
    if p_keep is null or p_keep < interval '0' then
        raise exception 'retention must not be negative' using errcode = '22023';
    end if;

    with gone as (
        delete from members.invitations i
         where i.accepted_at is null and i.expires_at < now() - p_keep
        returning i.org_id, i.id, i.email, i.role, i.expires_at)
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    select g.org_id, null, 'invitation.expired', 'invitation', g.id::text,
           jsonb_build_object('email', g.email, 'role', g.role, 'expiredAt', g.expires_at)
      from gone g;
    get diagnostics v_expired = row_count;

    delete from members.invitation_log l
     where l.created_at < now() - greatest(interval '1 day',
                                           (select make_interval(hours => p.recipient_email_hours) from members.invitation_policy p));
    return v_expired;
end $$;
