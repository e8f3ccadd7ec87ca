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
