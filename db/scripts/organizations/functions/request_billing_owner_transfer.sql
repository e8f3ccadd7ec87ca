-- An owner proposes another owner as billing owner (replacing any pending proposal).
create or replace function organizations.request_billing_owner_transfer(p_org_id uuid, p_new_owner uuid)
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

grant execute on function organizations.request_billing_owner_transfer(uuid, uuid) to opsdash_app;
