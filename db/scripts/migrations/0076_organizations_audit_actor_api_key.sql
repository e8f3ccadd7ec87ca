-- The actor of an audit row written with an API key (ADR 0021): the key, as no user acts
-- (actor_user_id is null then). No foreign key: keys are never deleted, and the audit log is append-only.
alter table organizations.audit_logs add column actor_api_key_id uuid;
