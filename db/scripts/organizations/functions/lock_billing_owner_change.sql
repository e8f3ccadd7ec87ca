-- The start every step shares: lock the org's owner rows, then the org row; the caller must be a
-- member of this live team workspace (else not found). Returns the org and the caller's role.
create or replace function organizations.lock_billing_owner_change(p_org_id uuid, out org organizations.organizations, out caller_role text)
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
