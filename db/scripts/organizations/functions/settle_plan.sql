-- After a personal org's subscription changed (its row locked by the caller): when the plan in force
-- differs from p_before, audit organization.plan_changed in the personal org and in every live team org
-- its user is billing owner of (they take that plan), and remember it as audited. Returns the plan in force.
create or replace function organizations.settle_plan(p_personal_org_id uuid, p_before text, p_reason text) returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_after text := organizations.plan_of_personal_org(p_personal_org_id);
begin
    update organizations.subscriptions s set audited_plan_key = v_after
     where s.org_id = p_personal_org_id and s.audited_plan_key is distinct from v_after;
    if p_before is distinct from v_after then
        insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
        select o.id, null, 'organization.plan_changed', 'organization', o.id::text,
               jsonb_build_object('from', p_before, 'to', v_after, 'reason', p_reason)
          from organizations.organizations p
          join organizations.organizations o on o.billing_owner_user_id = p.billing_owner_user_id and o.deleted_at is null
         where p.id = p_personal_org_id;
    end if;
    return v_after;
end $$;
