-- The member list alone: one SELECT, no transaction block; the tenant context comes from
-- PGOPTIONS at connection start (see http-load.sh).
select member_id as id, user_id, email, full_name, avatar_url, role, joined_at
  from members.get_org_members(:org);
