-- Expires pending invitations past their date, and purges the invitation log beyond the longest window a rule reads.
create or replace function members.expire_invitations(p_keep interval) returns integer
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

    delete from members.invitation_log l
     where l.created_at < now() - greatest(interval '1 day',
                                           (select make_interval(hours => p.recipient_email_hours) from members.invitation_policy p));
    return v_expired;
end $$;

grant execute on function members.expire_invitations(interval) to opsdash_jobs;
