-- Every user's one personal org: the billing anchor and the fallback workspace.
create or replace function organizations.personal_org_id(p_user_id uuid) returns uuid
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select o.id from organizations.organizations o where o.billing_owner_user_id = p_user_id and o.type = 'personal'
    $$;
