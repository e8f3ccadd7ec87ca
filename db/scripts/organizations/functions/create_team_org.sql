-- createOrganization, with a derived slug retried under concurrency, a taken slug
-- (live or retired) as OD409 slug_taken, and OD402's HINT as 'feature;cap'.
create or replace function organizations.create_team_org(p_name text, p_slug text default null)
    returns table (id uuid, slug text, name text)
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    caller uuid := core.current_user_id();
    personal_id uuid;
    cap bigint;
    used bigint;
    new_id uuid := gen_random_uuid();
    org_name text := btrim(coalesce(p_name, ''));
    org_slug text := p_slug;
begin
    if caller is null then
        raise exception 'not authenticated' using errcode = 'OD403';
    end if;
    if length(org_name) not between 1 and 100 then
        raise exception 'Name must be 1 to 100 characters.' using errcode = 'OD400', hint = 'name';
    end if;
    if org_slug is not null and (org_slug !~ '^[a-z0-9](?:[a-z0-9-]{1,46}[a-z0-9])$' or organizations.is_reserved_slug(org_slug)) then
        raise exception 'The slug "%" is not allowed.', org_slug using errcode = 'OD400', hint = 'slug';
    end if;

    select o.id into personal_id from organizations.organizations o
     where o.billing_owner_user_id = caller and o.type = 'personal' for update;
    if not found then
        raise exception 'No personal workspace to bill this workspace to.' using errcode = 'OD403';
    end if;

    select l.limit_value into cap from organizations.plan_limits l
     where l.plan_key = organizations.org_plan(personal_id) and l.feature_key = 'orgs:team';
    select count(*) into used from organizations.organizations o
     where o.billing_owner_user_id = caller and o.type = 'team' and o.deleted_at is null;
    if cap is not null and used >= cap then
        raise exception 'Your plan allows % team workspace(s).', cap using errcode = 'OD402', hint = 'orgs:team;' || cap;
    end if;

    if org_slug is null then
        org_slug := organizations.insert_org_with_derived_slug(new_id, org_name, org_name, 'team', caller);
    elsif exists (select 1 from organizations.slugs s where s.slug = org_slug) then
        raise exception 'The slug "%" is already taken.', org_slug using errcode = 'OD409', hint = 'slug_taken';
    else
        begin
            insert into organizations.organizations (id, name, slug, type, billing_owner_user_id, created_by)
            values (new_id, org_name, org_slug, 'team', caller, caller);
        exception when unique_violation then
            raise exception 'The slug "%" is already taken.', org_slug using errcode = 'OD409', hint = 'slug_taken';
        end;
    end if;
    insert into members.org_members (org_id, user_id, role) values (new_id, caller, 'owner');
    perform organizations.seed_feature_flags(new_id);
    update organizations.profiles p set current_org_id = new_id where p.id = caller;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (new_id, caller, 'organization.created', 'organization', new_id::text,
            jsonb_build_object('name', org_name, 'slug', org_slug));

    return query select new_id, org_slug, org_name;
end $$;

grant execute on function organizations.create_team_org(text, text) to opsdash_app;
