-- GET /api/v1/orgs/{slug}/plan as the Host sends it (ADR 0025): entry and query in one command, one Sync.
\startpipeline
select id, slug, name, type, billing_owner_user_id, role
  from organizations.enter_request_as(:uid, false, :uid, :stamp, :sid, :slug, :org, null, true);
select p.key as plan_key, p.name as plan_name, p.price_cents,
       f.feature_key, f.description, f.is_counted, f.enabled, f.limit_value, f.used
  from organizations.plans p
 cross join organizations.plan_overview() f
 where p.key = (select organizations.org_plan(:org))
 order by f.feature_key;
\endpipeline
