-- The proposed owner declines, or any owner cancels (p_decline says which the caller means).
create or replace function organizations.end_billing_owner_transfer(p_org_id uuid, p_decline boolean) returns void
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

grant execute on function organizations.end_billing_owner_transfer(uuid, boolean) to opsdash_app;
