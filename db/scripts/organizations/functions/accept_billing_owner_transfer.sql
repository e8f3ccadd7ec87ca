-- The proposed owner accepts: the billing owner changes, once (the proposal row is locked and deleted),
-- and with it the org's plan (its billing owner's), audited here when it differs (issue 20).
create or replace function organizations.accept_billing_owner_transfer(p_org_id uuid)
    returns table (org_id uuid, previous_billing_owner uuid, billing_owner uuid)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    c record;
    t organizations.billing_owner_transfers;
    v_plan_before text;
    v_plan_after text;
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
    v_plan_before := organizations.plan_of_personal_org(organizations.personal_org_id((c.org).billing_owner_user_id));
    v_plan_after := organizations.plan_of_personal_org(organizations.personal_org_id(caller));
    if v_plan_before is distinct from v_plan_after then
        insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
        values (p_org_id, caller, 'organization.plan_changed', 'organization', p_org_id::text,
                jsonb_build_object('from', v_plan_before, 'to', v_plan_after, 'reason', 'billing_owner_changed'));
    end if;
    return query select p_org_id, (c.org).billing_owner_user_id, caller;
end $$;

grant execute on function organizations.accept_billing_owner_transfer(uuid) to opsdash_app;
