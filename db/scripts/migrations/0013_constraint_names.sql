-- Constraints get explicit names: pk_<table>, uq_<table>_<column>, ck_<table>_<column>,
-- fk_<table>_<column>, optionally followed by __<detail> (see db/scripts/README.md). The API maps
-- a violation to the column named there (ck_users_email -> "email") without showing the name.
-- Unique indexes that are not constraints follow the same rule.

alter table auth.users rename constraint users_pkey to pk_users;
alter table auth.users rename constraint users_email_check to ck_users_email;
alter table auth.users rename constraint users_full_name_check to ck_users_full_name;
alter index auth.users_email_key rename to uq_users_email;

alter table auth.refresh_tokens rename constraint refresh_tokens_pkey to pk_refresh_tokens;
alter table auth.refresh_tokens rename constraint refresh_tokens_token_hash_key to uq_refresh_tokens_token_hash;
alter table auth.refresh_tokens rename constraint refresh_tokens_user_id_fkey to fk_refresh_tokens_user_id;

alter table core.outbox_messages rename constraint outbox_messages_pkey to pk_outbox_messages;
alter table core.outbox_messages rename constraint outbox_messages_type_check to ck_outbox_messages_type;

alter table organizations.plans rename constraint plans_pkey to pk_plans;
alter table organizations.plans rename constraint plans_key_check to ck_plans_key;
alter table organizations.plans rename constraint plans_price_cents_check to ck_plans_price_cents;

alter table organizations.features rename constraint features_pkey to pk_features;
alter table organizations.features rename constraint features_key_check to ck_features_key;

alter table organizations.plan_limits rename constraint plan_limits_pkey to pk_plan_limits;
alter table organizations.plan_limits rename constraint plan_limits_limit_value_check to ck_plan_limits_limit_value;
alter table organizations.plan_limits rename constraint plan_limits_plan_key_fkey to fk_plan_limits_plan_key;
alter table organizations.plan_limits rename constraint plan_limits_feature_key_fkey to fk_plan_limits_feature_key;

alter table organizations.organizations rename constraint organizations_pkey to pk_organizations;
alter table organizations.organizations rename constraint organizations_name_check to ck_organizations_name;
alter table organizations.organizations rename constraint organizations_slug_check to ck_organizations_slug;
alter table organizations.organizations rename constraint organizations_slug_not_reserved to ck_organizations_slug__not_reserved;
alter table organizations.organizations rename constraint organizations_type_check to ck_organizations_type;
alter table organizations.organizations rename constraint organizations_logo_url_check to ck_organizations_logo_url;
alter table organizations.organizations rename constraint organizations_billing_owner_user_id_fkey to fk_organizations_billing_owner_user_id;
alter table organizations.organizations rename constraint organizations_created_by_fkey to fk_organizations_created_by;
alter index organizations.organizations_slug_key rename to uq_organizations_slug;
alter index organizations.organizations_one_personal_per_user rename to uq_organizations_billing_owner_user_id__personal;

alter table organizations.profiles rename constraint profiles_pkey to pk_profiles;
alter table organizations.profiles rename constraint profiles_full_name_check to ck_profiles_full_name;
alter table organizations.profiles rename constraint profiles_avatar_url_check to ck_profiles_avatar_url;
alter table organizations.profiles rename constraint profiles_id_fkey to fk_profiles_id;
alter table organizations.profiles rename constraint profiles_current_org_id_fkey to fk_profiles_current_org_id;

alter table organizations.subscriptions rename constraint subscriptions_pkey to pk_subscriptions;
alter table organizations.subscriptions rename constraint subscriptions_status_check to ck_subscriptions_status;
alter table organizations.subscriptions rename constraint subscriptions_org_id_key to uq_subscriptions_org_id;
alter table organizations.subscriptions rename constraint subscriptions_org_id_fkey to fk_subscriptions_org_id;
alter table organizations.subscriptions rename constraint subscriptions_plan_key_fkey to fk_subscriptions_plan_key;

alter table organizations.feature_flags rename constraint feature_flags_pkey to pk_feature_flags;
alter table organizations.feature_flags rename constraint feature_flags_allowed_roles_check to ck_feature_flags_allowed_roles;
alter table organizations.feature_flags rename constraint feature_flags_org_id_fkey to fk_feature_flags_org_id;
alter table organizations.feature_flags rename constraint feature_flags_feature_key_fkey to fk_feature_flags_feature_key;

alter table organizations.audit_logs rename constraint audit_logs_pkey to pk_audit_logs;
alter table organizations.audit_logs rename constraint audit_logs_action_check to ck_audit_logs_action;
alter table organizations.audit_logs rename constraint audit_logs_org_id_fkey to fk_audit_logs_org_id;
alter table organizations.audit_logs rename constraint audit_logs_actor_user_id_fkey to fk_audit_logs_actor_user_id;

alter table members.org_members rename constraint org_members_pkey to pk_org_members;
alter table members.org_members rename constraint org_members_role_check to ck_org_members_role;
-- unique (org_id, user_id): within its org, the user is what repeats
alter table members.org_members rename constraint org_members_org_id_user_id_key to uq_org_members_user_id;
alter table members.org_members rename constraint org_members_org_id_fkey to fk_org_members_org_id;
alter table members.org_members rename constraint org_members_user_id_fkey to fk_org_members_user_id;

alter table members.invitations rename constraint invitations_pkey to pk_invitations;
alter table members.invitations rename constraint invitations_email_check to ck_invitations_email;
alter table members.invitations rename constraint invitations_role_check to ck_invitations_role;
alter table members.invitations rename constraint invitations_token_hash_key to uq_invitations_token_hash;
alter table members.invitations rename constraint invitations_org_id_fkey to fk_invitations_org_id;
alter table members.invitations rename constraint invitations_invited_by_fkey to fk_invitations_invited_by;
alter table members.invitations rename constraint invitations_accepted_by_fkey to fk_invitations_accepted_by;
alter index members.invitations_one_pending_per_email rename to uq_invitations_email__pending;

-- The runner creates the journal before any script runs.
alter table migrations.journal rename constraint journal_pkey to pk_journal;
