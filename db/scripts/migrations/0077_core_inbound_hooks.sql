-- Inbound webhooks (issue 19 item 6, ADR 0021): POST /api/v1/hooks/{token} takes a JSON event signed to the
-- Standard Webhooks spec and fires the org's webhook_received workflow triggers. The token in the URL is
-- shown once and stored only as SHA-256 (256 random bits: a plain hash is enough); the signing secret must be
-- readable to verify an HMAC, so it is stored sealed (SecretBox), never in plain text. The kernel owns the
-- tables because the request entry (organizations.enter_inbound_hook_request) resolves the token, as it
-- resolves API keys; Platform's endpoints manage them.
create table core.inbound_hooks (
    org_id             uuid        not null,
    id                 uuid        not null,
    name               text        not null constraint ck_inbound_hooks_name check (char_length(name) between 1 and 100),
    token_hash         bytea       not null constraint ck_inbound_hooks_token_hash check (octet_length(token_hash) = 32),
    secret_sealed      text        not null,
    created_by_user_id uuid,
    created_at         timestamptz not null default now(),
    rotated_at         timestamptz,
    constraint pk_inbound_hooks primary key (org_id, id),
    constraint uq_inbound_hooks_token_hash unique (token_hash),
    constraint fk_inbound_hooks_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_inbound_hooks_created_by_user_id foreign key (created_by_user_id) references auth.users (id)
);
create index inbound_hooks_created_by_user_id_idx on core.inbound_hooks (created_by_user_id);

-- One row per accepted webhook-id of a hook: the replay guard. A second delivery of the same id (a retry, a
-- replay, or a concurrent duplicate, which waits on the first's key) inserts nothing and has no effect.
create table core.inbound_hook_receipts (
    org_id      uuid        not null,
    hook_id     uuid        not null,
    webhook_id  text        not null constraint ck_inbound_hook_receipts_webhook_id check (char_length(webhook_id) between 1 and 200),
    received_at timestamptz not null default now(),
    constraint pk_inbound_hook_receipts primary key (org_id, hook_id, webhook_id),
    constraint fk_inbound_hook_receipts_hook_id foreign key (org_id, hook_id) references core.inbound_hooks (org_id, id) on delete cascade
);

alter table core.inbound_hooks enable row level security;
alter table core.inbound_hooks force row level security;
alter table core.inbound_hook_receipts enable row level security;
alter table core.inbound_hook_receipts force row level security;

-- The sealed secret is never selected by the app directly: the request entry hands it over once per request.
grant select (org_id, id, name, created_by_user_id, created_at, rotated_at) on core.inbound_hooks to opsdash_app;
grant insert (org_id, id, name, token_hash, secret_sealed, created_by_user_id) on core.inbound_hooks to opsdash_app;
grant update (token_hash, secret_sealed, rotated_at) on core.inbound_hooks to opsdash_app;
grant delete on core.inbound_hooks to opsdash_app;
grant select (org_id, hook_id, webhook_id, received_at), insert (org_id, hook_id, webhook_id) on core.inbound_hook_receipts to opsdash_app;
