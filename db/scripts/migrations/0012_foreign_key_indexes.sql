-- An index for every foreign key, led by its columns: deleting (or re-keying) a referenced row
-- makes PostgreSQL look up referencing rows by exactly these columns, and without an index that
-- is a sequential scan under lock. A test checks every foreign key has one.
-- Plain CREATE INDEX: these tables are still small. On a large table, use one
-- `-- migrate:no-transaction` script per CREATE INDEX CONCURRENTLY instead.

-- Partial indexes do not serve the check (it must find deleted orgs and team orgs too); this
-- full index replaces organizations_billing_owner_idx for live-org lookups as well.
create index organizations_billing_owner_user_id_idx on organizations.organizations (billing_owner_user_id);
drop index organizations.organizations_billing_owner_idx;
create index organizations_created_by_idx on organizations.organizations (created_by);
create index profiles_current_org_id_idx on organizations.profiles (current_org_id);
-- audit_logs_org_actor_idx leads with org_id, so a delete of a user (actor_user_id = $1 across
-- all orgs) cannot seek in it.
create index audit_logs_actor_user_id_idx on organizations.audit_logs (actor_user_id);
create index invitations_invited_by_idx on members.invitations (invited_by);
create index invitations_accepted_by_idx on members.invitations (accepted_by);
create index subscriptions_plan_key_idx on organizations.subscriptions (plan_key);
create index feature_flags_feature_key_idx on organizations.feature_flags (feature_key);
create index plan_limits_feature_key_idx on organizations.plan_limits (feature_key);
