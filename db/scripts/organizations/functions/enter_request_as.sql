-- The org entry sent in the same round trip as a request's first statement (ADR 0025): the Host already knows
-- the org id this caller's slug resolved to (p_org_id, from an earlier request), passes it to that statement,
-- and this prelude checks it still holds before the statement runs. It raises instead of answering with a
-- row, so the statement sent after it never runs when the entry fails:
--   ODE01 the token's session has ended (401);
--   ODE04 the slug is not a live org of the caller, or no longer the org the Host remembered (404; the Host
--         forgets the id and enters again the slow way);
--   ODE03 the caller's role is not in p_roles (403; null p_roles: any member).
-- p_read_only: see core.enter_context.
create or replace function organizations.enter_request_as(
    p_user_id uuid, p_system boolean, p_token_user uuid, p_stamp integer, p_session uuid,
    p_slug text, p_org_id uuid, p_roles text[], p_read_only boolean)
    returns table (id uuid, slug text, name text, type text, billing_owner_user_id uuid, role text)
    language plpgsql volatile
    set search_path = pg_catalog, pg_temp
    as $$
declare
    r record;
begin
    if p_read_only then
        perform set_config('transaction_read_only', 'on', true);
    end if;
    select e.session_is_current, e.id, e.slug, e.name, e.type, e.billing_owner_user_id, e.role into r
      from organizations.enter_request(p_user_id, p_system, p_token_user, p_stamp, p_session, p_slug) e;
    if not r.session_is_current then
        raise exception 'This session has ended.' using errcode = 'ODE01';
    end if;
    if r.id is null or r.id <> p_org_id then
        raise exception 'Organization not found.' using errcode = 'ODE04';
    end if;
    if p_roles is not null and not (r.role = any (p_roles)) then
        raise exception 'The caller''s role does not allow this.' using errcode = 'ODE03';
    end if;
    return query select r.id, r.slug, r.name, r.type, r.billing_owner_user_id, r.role;
end $$;

grant execute on function organizations.enter_request_as(uuid, boolean, uuid, integer, uuid, text, uuid, text[], boolean) to opsdash_app;
