-- Inserts an organization under a slug derived from p_base, retrying with a fresh candidate when a
-- concurrent transaction claimed the same one first (the slug claim raises OD409 slug_taken).
create or replace function organizations.insert_org_with_derived_slug(
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
