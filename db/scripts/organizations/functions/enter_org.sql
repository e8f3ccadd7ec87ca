-- withOrg(slug): resolves the org the caller is a member of and makes it the transaction's org
-- context, in one round trip. No row: not found (whether the org is absent, deleted or foreign).
create or replace function organizations.enter_org(p_slug text)
    returns table (id uuid, slug text, name text, type text, billing_owner_user_id uuid, role text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    r record;
begin
    select o.id, o.slug, o.name, o.type, o.billing_owner_user_id, m.role into r
      from organizations.organizations o
      join members.org_members m on m.org_id = o.id and m.user_id = core.current_user_id()
     where o.slug = p_slug and o.deleted_at is null;
    if found then
        perform set_config('app.org_id', r.id::text, true);
        return query select r.id, r.slug, r.name, r.type, r.billing_owner_user_id, r.role;
    end if;
end $$;

grant execute on function organizations.enter_org(text) to opsdash_app;
