-- GET /api/v1/me/orgs as the Host sends it.
begin;
select set_config('app.user_id', :uid, true) as user_id,
       set_config('app.org_id', '', true) as org_id,
       set_config('app.system', '', true) as system,
       auth.access_token_is_current(:uid, :stamp, :sid) as session_is_current;
select o.id, o.name, o.slug, o.type, m.role, o.logo_url, coalesce(o.id = p.current_org_id, false) as is_current
  from members.org_members m
  join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
  left join organizations.profiles p on p.id = m.user_id
 where m.user_id = :uid
 order by (o.type = 'personal' and o.billing_owner_user_id = :uid) desc, lower(o.name), o.id;
commit;
