-- GET /api/v1/me/orgs as the Host sends it (ADR 0025): the context prelude and the query in one command, one Sync.
\startpipeline
select 1 from core.enter_context(:uid, null, false, null, null, :uid, :stamp, :sid, true);
select o.id, o.name, o.slug, o.type, m.role, o.logo_url, coalesce(o.id = p.current_org_id, false) as is_current
  from members.org_members m
  join organizations.organizations o on o.id = m.org_id and o.deleted_at is null
  left join organizations.profiles p on p.id = m.user_id
 where m.user_id = :uid
 order by (o.type = 'personal' and o.billing_owner_user_id = :uid) desc, lower(o.name), o.id;
\endpipeline
