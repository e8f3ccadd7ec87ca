-- Workspace lifecycle in SQL: the signup trigger, team creation and soft delete. No application
-- code performs these inserts; each runs in the caller's transaction, so a failure undoes it all.

-- Every user's one personal org: the billing anchor and the fallback workspace.
create function organizations.personal_org_id(p_user_id uuid) returns uuid
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select o.id from organizations.organizations o where o.billing_owner_user_id = p_user_id and o.type = 'personal'
    $$;

-- A unique, URL-safe, unreserved slug derived from p_base (e.g. an email's local part or an org name).
create function organizations.unique_slug(p_base text) returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    base text := trim(both '-' from regexp_replace(lower(coalesce(p_base, '')), '[^a-z0-9]+', '-', 'g'));
    candidate text;
begin
    base := left(base, 40);
    base := trim(both '-' from base);
    if length(base) < 3 then
        base := 'workspace';
    end if;
    candidate := base;
    while organizations.is_reserved_slug(candidate)
          or exists (select 1 from organizations.organizations o where o.slug = candidate) loop
        candidate := base || '-' || substr(md5(random()::text || clock_timestamp()::text), 1, 6);
    end loop;
    return candidate;
end $$;

-- Default feature flags for a new org: one row per feature, as the catalogue says.
create function organizations.seed_feature_flags(p_org_id uuid) returns void
    language sql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
        insert into organizations.feature_flags (org_id, feature_key, enabled)
        select p_org_id, f.key, f.default_enabled from organizations.features f
    $$;

-- handle_new_user(): on insert of an auth user, in the same transaction: profile, personal org
-- (unique slug), owner membership, free subscription, default flags, current org, audit row.
create function organizations.handle_new_user() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    org_id uuid := gen_random_uuid();
    display_name text := coalesce(nullif(btrim(new.full_name), ''), split_part(new.email, '@', 1));
begin
    insert into organizations.profiles (id, email, full_name)
    values (new.id, new.email, nullif(btrim(new.full_name), ''));

    insert into organizations.organizations (id, name, slug, type, billing_owner_user_id, created_by)
    values (org_id, left(display_name || '''s workspace', 100), organizations.unique_slug(split_part(new.email, '@', 1)),
            'personal', new.id, new.id);

    insert into members.org_members (org_id, user_id, role) values (org_id, new.id, 'owner');

    insert into organizations.subscriptions (org_id, plan_key, status) values (org_id, 'free', 'active');

    perform organizations.seed_feature_flags(org_id);

    update organizations.profiles set current_org_id = org_id where id = new.id;

    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (org_id, new.id, 'user.signed_up', 'user', new.id::text, jsonb_build_object('email', new.email));

    return new;
end $$;

create trigger on_auth_user_created
    after insert on auth.users
    for each row execute function organizations.handle_new_user();

-- createOrganization: a team workspace billed to the caller's personal org. Checks the
-- orgs:team limit of the caller's plan under a lock on their personal org, so two concurrent
-- creates cannot both take the last slot. A null p_slug is derived from the name.
-- Switches the caller's current org to it.
create function organizations.create_team_org(p_name text, p_slug text default null)
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
        raise exception 'Your plan allows % team workspace(s).', cap using errcode = 'OD402', hint = 'orgs:team';
    end if;

    if org_slug is null then
        org_slug := organizations.unique_slug(org_name);
    elsif exists (select 1 from organizations.organizations o where o.slug = org_slug) then
        raise exception 'The slug "%" is already taken.', org_slug using errcode = 'OD409', hint = 'slug';
    end if;

    insert into organizations.organizations (id, name, slug, type, billing_owner_user_id, created_by)
    values (new_id, org_name, org_slug, 'team', caller, caller);
    insert into members.org_members (org_id, user_id, role) values (new_id, caller, 'owner');
    perform organizations.seed_feature_flags(new_id);
    update organizations.profiles p set current_org_id = new_id where p.id = caller;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (new_id, caller, 'organization.created', 'organization', new_id::text,
            jsonb_build_object('name', org_name, 'slug', org_slug));

    return query select new_id, org_slug, org_name;
end $$;

-- deleteOrganization: owner-only soft delete of a team org. Members whose current org it was
-- fall back to their personal org. Returns the caller's personal slug for the redirect.
create function organizations.soft_delete_org(p_org_id uuid) returns text
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

revoke execute on function organizations.personal_org_id(uuid), organizations.unique_slug(text), organizations.seed_feature_flags(uuid),
    organizations.handle_new_user(), organizations.create_team_org(text, text), organizations.soft_delete_org(uuid) from public;
grant execute on function organizations.create_team_org(text, text), organizations.soft_delete_org(uuid) to opsdash_app;
