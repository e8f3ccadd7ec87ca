-- Pending invitations that the user could no longer send: all of them when they are no longer an
-- admin or owner of the org, the owner invitations when they are no longer an owner.
create or replace function members.revoke_invitations_beyond_role(p_org_id uuid, p_user_id uuid, p_role text) returns integer
    language plpgsql volatile security definer
    set search_path = pg_catalog, pg_temp
    as $$
declare
    revoked integer;
begin
    delete from members.invitations i
     where i.org_id = p_org_id and i.invited_by = p_user_id and i.accepted_at is null
       and (p_role is null or p_role not in ('owner', 'admin') or (p_role = 'admin' and i.role = 'owner'));
    get diagnostics revoked = row_count;
    return revoked;
end $$;
