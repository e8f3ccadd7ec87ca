-- Scheduled maintenance (issue 8, ADR 0011), run as system jobs. Each rule lives here; the jobs only
-- call these functions, which only opsdash_jobs may execute and which refuse any other context.

-- Pending invitations stop working at expires_at (accept_invitation refuses them, the seat count
-- ignores them) but stayed forever, with the invitee's address, unless the same address was invited
-- again. The org's list flags them as expired for p_keep, so an admin can see and re-send them;
-- after that they are deleted and the org's audit log records each one. Accepted invitations are
-- the history of who joined and stay.
create function members.expire_invitations(p_keep interval) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_expired integer;
begin
    if not core.is_system() then
        raise exception 'only background work expires invitations' using errcode = '42501';
    end if;
    if p_keep is null or p_keep < interval '0' then
        raise exception 'retention must not be negative' using errcode = '22023';
    end if;

    with gone as (
        delete from members.invitations i
         where i.accepted_at is null and i.expires_at < now() - p_keep
        returning i.org_id, i.id, i.email, i.role, i.expires_at)
    insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id, metadata)
    select g.org_id, null, 'invitation.expired', 'invitation', g.id::text,
           jsonb_build_object('email', g.email, 'role', g.role, 'expiredAt', g.expires_at)
      from gone g;
    get diagnostics v_expired = row_count;
    return v_expired;
end $$;

-- Refresh tokens of sessions that ended more than p_keep ago, a whole family (one login) at a time.
-- A session ends when it is revoked (logout, password change, re-use detected: every token of the
-- family is revoked at once) or when none of its tokens can be exchanged any more (its absolute
-- lifetime or its newest token expired). Rows of a live session stay, used ones included: a used
-- token presented again is how theft is detected. A revoked family must outlive the access tokens
-- it issued, which auth.access_token_is_current refuses by that revocation, hence at least a day.
create function auth.purge_refresh_tokens(p_keep interval) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    v_deleted integer;
begin
    if not core.is_system() then
        raise exception 'only background work purges refresh tokens' using errcode = '42501';
    end if;
    if p_keep is null or p_keep < interval '1 day' then
        raise exception 'retention must be at least one day' using errcode = '22023';
    end if;

    delete from auth.refresh_tokens r
     where r.family_id in (
        select t.family_id from auth.refresh_tokens t
         group by t.family_id
        having coalesce(min(t.revoked_at), least(max(t.family_expires_at), max(t.expires_at))) < now() - p_keep);
    get diagnostics v_deleted = row_count;
    return v_deleted;
end $$;

revoke execute on function members.expire_invitations(interval), auth.purge_refresh_tokens(interval) from public;
grant execute on function members.expire_invitations(interval), auth.purge_refresh_tokens(interval) to opsdash_jobs;
