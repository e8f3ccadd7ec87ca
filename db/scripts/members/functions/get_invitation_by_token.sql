-- Invitation landing page: what the token is for, without revealing anything else. Anonymous.
create or replace function members.get_invitation_by_token(p_token_hash bytea)
    returns table (org_name text, org_slug text, email text, role text, invited_by_name text, expires_at timestamptz, status text)
    language sql stable security definer
    set search_path = pg_catalog, pg_temp
    as $$
        select o.name, o.slug, i.email, i.role, coalesce(p.full_name, p.email), i.expires_at,
               case when i.accepted_at is not null then 'accepted'
                    when i.expires_at <= now() then 'expired'
                    else 'pending' end
          from members.invitations i
          join organizations.organizations o on o.id = i.org_id and o.deleted_at is null
          left join organizations.profiles p on p.id = i.invited_by
         where i.token_hash = p_token_hash
    $$;

grant execute on function members.get_invitation_by_token(bytea) to opsdash_app;
