-- Issue 17, item 5: modules can no longer name an org for the transaction (TenantContext.SetOrgAsync is
-- the kernel's alone). An account-level action that records its event in the caller's personal org
-- (changing the password) enters it through this function: the org comes from the caller's own user
-- id, never from a parameter, and only while the caller is its member.
create or replace function organizations.enter_personal_org() returns uuid
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_org uuid;
begin
    select o.id into v_org
      from organizations.organizations o
      join members.org_members m on m.org_id = o.id and m.user_id = core.current_user_id()
     where o.billing_owner_user_id = core.current_user_id() and o.type = 'personal' and o.deleted_at is null;
    if v_org is not null then
        perform set_config('app.org_id', v_org::text, true);
    end if;
    return v_org;
end $$;

grant execute on function organizations.enter_personal_org() to opsdash_app;
