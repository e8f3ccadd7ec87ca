create or replace function organizations.claim_slug() returns trigger
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
