-- Every slug an org has ever had stays its own: old links never reach another workspace. One
-- table holds live and retired slugs under one primary key, so two orgs can never claim the same
-- slug, even at the same moment. Derived slugs (signup, team creation without a slug) are retried
-- inside the function when a concurrent transaction took the same candidate.

create table organizations.slugs (
    slug       text        not null,
    org_id     uuid        not null,
    claimed_at timestamptz not null default now(),
    retired_at timestamptz,
    constraint pk_slugs primary key (slug),
    constraint fk_slugs_org_id foreign key (org_id) references organizations.organizations (id)
);
create index ix_slugs_org_id on organizations.slugs (org_id);

alter table organizations.slugs enable row level security;
alter table organizations.slugs force row level security;
-- No grants: only the definer trigger and functions below read or write it.

insert into organizations.slugs (slug, org_id, claimed_at)
select o.slug, o.id, o.created_at from organizations.organizations o;

create function organizations.claim_slug() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
begin
    if tg_op = 'UPDATE' and new.slug = old.slug then
        return null;
    end if;
    -- An org may take back one of its own retired slugs.
    update organizations.slugs s set retired_at = null where s.slug = new.slug and s.org_id = new.id;
    if not found then
        begin
            insert into organizations.slugs (slug, org_id) values (new.slug, new.id);
        exception when unique_violation then
            raise exception 'The slug "%" is already taken.', new.slug using errcode = 'OD409', hint = 'slug_taken';
        end;
    end if;
    if tg_op = 'UPDATE' then
        update organizations.slugs s set retired_at = now() where s.slug = old.slug and s.org_id = old.id;
    end if;
    return null;
end $$;

create trigger organizations_claim_slug
    after insert or update of slug on organizations.organizations
    for each row execute function organizations.claim_slug();

create or replace function organizations.unique_slug(p_base text) returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    base text := trim(both '-' from regexp_replace(lower(coalesce(p_base, '')), '[^a-z0-9]+', '-', 'g'));
    candidate text;
begin
    base := trim(both '-' from left(base, 40));
    if length(base) < 3 then
        base := 'workspace';
    end if;
    candidate := base;
    while organizations.is_reserved_slug(candidate)
          or exists (select 1 from organizations.slugs s where s.slug = candidate) loop
        candidate := base || '-' || substr(md5(random()::text || clock_timestamp()::text), 1, 6);
    end loop;
    return candidate;
end $$;

-- Inserts an organization under a slug derived from p_base, retrying with a fresh candidate when a
-- concurrent transaction claimed the same one first (the slug claim raises OD409 slug_taken).
create function organizations.insert_org_with_derived_slug(
    p_id uuid, p_name text, p_slug_base text, p_type text, p_billing_owner uuid) returns text
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    candidate text;
begin
    for attempt in 1..10 loop
        candidate := organizations.unique_slug(p_slug_base);
        begin
            insert into organizations.organizations (id, name, slug, type, billing_owner_user_id, created_by)
            values (p_id, p_name, candidate, p_type, p_billing_owner, p_billing_owner);
            return candidate;
        exception when sqlstate 'OD409' or unique_violation then
            if attempt = 10 then
                raise;
            end if;
        end;
    end loop;
    return null;
end $$;

create or replace function organizations.handle_new_user() returns trigger
    language plpgsql security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    org_id uuid := gen_random_uuid();
    display_name text := coalesce(nullif(btrim(new.full_name), ''), split_part(new.email, '@', 1));
begin
    insert into organizations.profiles (id, email, full_name)
    values (new.id, new.email, nullif(btrim(new.full_name), ''));

    perform organizations.insert_org_with_derived_slug(
        org_id, left(display_name || '''s workspace', 100), split_part(new.email, '@', 1), 'personal', new.id);

    insert into members.org_members (org_id, user_id, role) values (org_id, new.id, 'owner');
    insert into organizations.subscriptions (org_id, plan_key, status) values (org_id, 'free', 'active');
    perform organizations.seed_feature_flags(org_id);
    update organizations.profiles set current_org_id = org_id where id = new.id;
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    values (org_id, new.id, 'user.signed_up', 'user', new.id::text, jsonb_build_object('email', new.email));
    return new;
end $$;

-- createOrganization, as in 0008, with a derived slug retried under concurrency, a taken slug
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

revoke execute on function organizations.claim_slug(), organizations.insert_org_with_derived_slug(uuid, text, text, text, uuid)
    from public;
