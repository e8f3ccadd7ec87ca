-- The org's name for send_email's From ("Acme via OpsDash"), in the caller's own org only.
create or replace function automation.org_name() returns text
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
    select o.name from organizations.organizations o
     where o.id = core.current_org_id() and o.id = any (members.member_org_ids())
    $$;

grant execute on function automation.org_name() to opsdash_app;
