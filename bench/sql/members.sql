-- GET /api/v1/orgs/{slug}/members as the Host sends it (ADR 0025): the org entry rides with the query in one
-- command, one implicit read-only transaction ended by one Sync; no BEGIN, no COMMIT.
\startpipeline
select id, slug, name, type, billing_owner_user_id, role
  from organizations.enter_request_as(:uid, false, :uid, :stamp, :sid, :slug, :org, null, true);
select member_id as id, user_id, email, full_name, avatar_url, role, joined_at
  from members.get_org_members(:org);
\endpipeline
