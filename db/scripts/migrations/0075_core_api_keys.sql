-- API keys (issue 19, ADR 0021): an org's credential for machines. The key itself is shown once and
-- never stored: key_hash is SHA-256 of the whole key (256 random bits, so a plain hash is enough; no
-- salt or slow hash is needed against guessing). prefix is the public part of the key, unique, for
-- the lookup and for display. A revoked key keeps its row (audit rows name it); nothing deletes keys.
-- The kernel owns the table: the authentication scheme (SharedKernel/Security) resolves keys, and
-- Platform's endpoints manage them.
create table core.api_keys (
    org_id             uuid        not null,
    id                 uuid        not null,
    name               text        not null constraint ck_api_keys_name check (char_length(name) between 1 and 100),
    prefix             text        not null constraint ck_api_keys_prefix check (prefix ~ '^odk_[a-z0-9]{12}$'),
    key_hash           bytea       not null constraint ck_api_keys_key_hash check (octet_length(key_hash) = 32),
    scopes             text[]      not null constraint ck_api_keys_scopes check (
                           cardinality(scopes) between 1 and 20
                           and scopes <@ array['crm:read', 'crm:write', 'projects:read', 'projects:write', 'automation:read', 'automation:write']),
    created_by_user_id uuid,
    created_at         timestamptz not null default now(),
    expires_at         timestamptz,
    revoked_at         timestamptz,
    revoked_by_user_id uuid,
    last_used_at       timestamptz,
    usage_count        bigint      not null default 0,
    constraint pk_api_keys primary key (org_id, id),
    constraint uq_api_keys_prefix unique (prefix),
    constraint uq_api_keys_id unique (id),
    constraint fk_api_keys_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_api_keys_created_by_user_id foreign key (created_by_user_id) references auth.users (id),
    constraint fk_api_keys_revoked_by_user_id foreign key (revoked_by_user_id) references auth.users (id)
);
create index api_keys_created_by_user_id_idx on core.api_keys (created_by_user_id);
create index api_keys_revoked_by_user_id_idx on core.api_keys (revoked_by_user_id);

alter table core.api_keys enable row level security;
alter table core.api_keys force row level security;

-- Admins list, create and revoke (policies in core/policies/api_keys.sql); the hash is never read
-- by the app directly: the request entry (organizations.enter_api_key_request) hands it over once
-- per request for the fixed-time compare. Usage counters are written only by core.record_api_key_usage.
grant usage on schema core to opsdash_app;
grant select (org_id, id, name, prefix, scopes, created_by_user_id, created_at, expires_at, revoked_at, revoked_by_user_id, last_used_at, usage_count)
    on core.api_keys to opsdash_app;
grant insert (org_id, id, name, prefix, key_hash, scopes, created_by_user_id, expires_at) on core.api_keys to opsdash_app;
grant update (revoked_at, revoked_by_user_id) on core.api_keys to opsdash_app;

