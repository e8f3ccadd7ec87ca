-- GET /api/v1/orgs/{slug}/members as the Host sends it: BEGIN rides with the first statement.
begin;
select session_is_current, id, slug, name, type, billing_owner_user_id, role
  from organizations.enter_request(:uid, false, :uid, :stamp, :sid, :slug);
select member_id as id, user_id, email, full_name, avatar_url, role, joined_at
  from members.get_org_members(:org);
commit;
