-- Billing ownership moves only with the new billing owner's consent (issue 17). Until now any owner
-- could push a team workspace's bill onto another owner (organizations.transfer_billing_owner). Now an
-- owner proposes another owner; that user accepts (or declines), and only then, in one transaction
-- with its audit entry, the billing owner changes. Any owner may cancel the proposal; a new proposal
-- replaces it. A proposal never outlives its proposer's rights: accepting re-checks that the proposer
-- is still an owner. Every step locks the org's owner rows first, as every membership change does, so
-- a proposal, an acceptance, a departure and a demotion serialise.

create table organizations.billing_owner_transfers (
    org_id           uuid        not null,
    id               uuid        not null default gen_random_uuid(),
    proposed_user_id uuid        not null,
    requested_by     uuid        not null,
    created_at       timestamptz not null default now(),
    constraint pk_billing_owner_transfers primary key (org_id, id),
    constraint uq_billing_owner_transfers_org_id unique (org_id),
    constraint fk_billing_owner_transfers_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_billing_owner_transfers_proposed_user_id foreign key (proposed_user_id) references auth.users (id) on delete cascade,
    constraint fk_billing_owner_transfers_requested_by foreign key (requested_by) references auth.users (id) on delete cascade
);
create index ix_billing_owner_transfers_proposed_user_id on organizations.billing_owner_transfers (proposed_user_id);
create index ix_billing_owner_transfers_requested_by on organizations.billing_owner_transfers (requested_by);

alter table organizations.billing_owner_transfers enable row level security;
alter table organizations.billing_owner_transfers force row level security;
-- Members see their org's pending proposal; only the functions below write.
create policy billing_owner_transfers_member_select on organizations.billing_owner_transfers for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
grant select on organizations.billing_owner_transfers to opsdash_app;

-- Pushing billing without consent is what this script removes.
drop function organizations.transfer_billing_owner(uuid, uuid);

-- The start every step shares: lock the org's owner rows, then the org row; the caller must be a
-- member of this live team workspace (else not found). Returns the org and the caller's role.
create function organizations.lock_billing_owner_change(p_org_id uuid, out org organizations.organizations, out caller_role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    perform 1 from members.org_members m where m.org_id = p_org_id and m.role = 'owner' for update;
    select * into org from organizations.organizations o where o.id = p_org_id and o.deleted_at is null for update;
    caller_role := members.member_role(p_org_id);
    if org.id is null or caller_role is null then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    if org.type = 'personal' then
        raise exception 'A personal workspace is always billed to its own user.' using errcode = 'OD403';
    end if;
end $$;

-- Whether p_user's plan takes one more team workspace, under the lock create_team_org takes (their
-- personal org row). OD402 otherwise.
create function organizations.check_team_capacity(p_user uuid) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    personal_id uuid;
    cap bigint;
    used bigint;
begin
    select o.id into personal_id from organizations.organizations o
     where o.billing_owner_user_id = p_user and o.type = 'personal' for update;
    select l.limit_value into cap from organizations.plan_limits l
     where l.plan_key = organizations.plan_of_personal_org(personal_id) and l.feature_key = 'orgs:team';
    select count(*) into used from organizations.organizations o
     where o.billing_owner_user_id = p_user and o.type = 'team' and o.deleted_at is null;
    if cap is not null and used + 1 > cap then
        raise exception 'The new billing owner''s plan allows % team workspace(s).', cap
            using errcode = 'OD402', hint = 'orgs:team;' || cap;
    end if;
end $$;

-- An owner proposes another owner as billing owner (replacing any pending proposal).
create function organizations.request_billing_owner_transfer(p_org_id uuid, p_new_owner uuid)
    returns table (org_id uuid, billing_owner uuid, proposed_user_id uuid, requested_by uuid, requested_at timestamptz)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    c record;
    t organizations.billing_owner_transfers;
begin
    select * into c from organizations.lock_billing_owner_change(p_org_id);
    if c.caller_role <> 'owner' then
        raise exception 'Only owners can move billing ownership.' using errcode = 'OD403';
    end if;
    if not exists (select 1 from members.org_members m where m.org_id = p_org_id and m.user_id = p_new_owner and m.role = 'owner') then
        raise exception 'The new billing owner must be an owner of this organization.' using errcode = 'OD400', hint = 'userId';
    end if;
    if (c.org).billing_owner_user_id = p_new_owner then
        raise exception 'This user is already the billing owner.' using errcode = 'OD400', hint = 'userId';
    end if;
    perform organizations.check_team_capacity(p_new_owner);

    delete from organizations.billing_owner_transfers x where x.org_id = p_org_id;
    insert into organizations.billing_owner_transfers as x (org_id, proposed_user_id, requested_by)
    values (p_org_id, p_new_owner, caller)
    returning x.* into t;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (p_org_id, caller, 'organization.billing_owner_transfer_requested', 'organization', p_org_id::text,
            jsonb_build_object('from', (c.org).billing_owner_user_id, 'to', p_new_owner));
    return query select p_org_id, (c.org).billing_owner_user_id, t.proposed_user_id, t.requested_by, t.created_at;
end $$;

-- The proposed owner accepts: the billing owner changes, once (the proposal row is locked and deleted).
create function organizations.accept_billing_owner_transfer(p_org_id uuid)
    returns table (org_id uuid, previous_billing_owner uuid, billing_owner uuid)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    c record;
    t organizations.billing_owner_transfers;
begin
    select * into c from organizations.lock_billing_owner_change(p_org_id);
    select * into t from organizations.billing_owner_transfers x where x.org_id = p_org_id for update;
    if not found then
        raise exception 'No billing ownership transfer is pending.' using errcode = 'OD404';
    end if;
    if t.proposed_user_id <> caller then
        raise exception 'Only the proposed billing owner can accept.' using errcode = 'OD403';
    end if;
    -- Void once its proposer is no longer an owner (it stays until replaced or cancelled; refusing rolls back).
    if not exists (select 1 from members.org_members m where m.org_id = p_org_id and m.user_id = t.requested_by and m.role = 'owner') then
        raise exception 'No billing ownership transfer is pending.' using errcode = 'OD404';
    end if;
    if c.caller_role <> 'owner' then
        raise exception 'Only an owner can become the billing owner.' using errcode = 'OD403';
    end if;
    perform organizations.check_team_capacity(caller);

    delete from organizations.billing_owner_transfers x where x.org_id = p_org_id;
    update organizations.organizations o set billing_owner_user_id = caller where o.id = p_org_id;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (p_org_id, caller, 'organization.billing_owner_changed', 'organization', p_org_id::text,
            jsonb_build_object('from', (c.org).billing_owner_user_id, 'to', caller, 'requestedBy', t.requested_by));
    return query select p_org_id, (c.org).billing_owner_user_id, caller;
end $$;

-- The proposed owner declines, or any owner cancels (p_decline says which the caller means).
create function organizations.end_billing_owner_transfer(p_org_id uuid, p_decline boolean) returns void
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    c record;
    t organizations.billing_owner_transfers;
begin
    select * into c from organizations.lock_billing_owner_change(p_org_id);
    select * into t from organizations.billing_owner_transfers x where x.org_id = p_org_id for update;
    if not found then
        raise exception 'No billing ownership transfer is pending.' using errcode = 'OD404';
    end if;
    if p_decline and t.proposed_user_id <> caller then
        raise exception 'Only the proposed billing owner can decline.' using errcode = 'OD403';
    end if;
    if not p_decline and c.caller_role <> 'owner' then
        raise exception 'Only owners can cancel a billing ownership transfer.' using errcode = 'OD403';
    end if;

    delete from organizations.billing_owner_transfers x where x.org_id = p_org_id;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (p_org_id, caller,
            case when p_decline then 'organization.billing_owner_transfer_declined' else 'organization.billing_owner_transfer_cancelled' end,
            'organization', p_org_id::text, jsonb_build_object('to', t.proposed_user_id, 'requestedBy', t.requested_by));
end $$;

revoke execute on function organizations.lock_billing_owner_change(uuid), organizations.check_team_capacity(uuid),
    organizations.request_billing_owner_transfer(uuid, uuid), organizations.accept_billing_owner_transfer(uuid),
    organizations.end_billing_owner_transfer(uuid, boolean) from public;
grant execute on function organizations.request_billing_owner_transfer(uuid, uuid), organizations.accept_billing_owner_transfer(uuid),
    organizations.end_billing_owner_transfer(uuid, boolean) to opsdash_app;
