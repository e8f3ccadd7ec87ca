-- deleteOrganization: owner-only soft delete of a team org. Members whose current org it was
-- fall back to their personal org. Returns the caller's personal slug for the redirect.
create or replace function organizations.soft_delete_org(p_org_id uuid) returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    org organizations.organizations;
    personal_slug text;
begin
    select * into org from organizations.organizations o where o.id = p_org_id and o.deleted_at is null for update;
    if not found or members.member_role(p_org_id) is null then
        raise exception 'Organization not found.' using errcode = 'OD404';
    end if;
    if members.member_role(p_org_id) <> 'owner' then
        raise exception 'Only an owner can delete the organization.' using errcode = 'OD403';
    end if;
    if org.type = 'personal' then
        raise exception 'A personal workspace cannot be deleted.' using errcode = 'OD403';
    end if;

    update organizations.organizations o set deleted_at = now() where o.id = p_org_id;
    update organizations.profiles p
       set current_org_id = organizations.personal_org_id(p.id)
     where p.current_org_id = p_org_id;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (p_org_id, caller, 'organization.deleted', 'organization', p_org_id::text, jsonb_build_object('slug', org.slug));

    select o.slug into personal_slug from organizations.organizations o where o.id = organizations.personal_org_id(caller);
    return personal_slug;
end $$;

grant execute on function organizations.soft_delete_org(uuid) to opsdash_app;
