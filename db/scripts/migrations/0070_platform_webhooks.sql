-- Outbound webhooks (issue 19, ADR 0020): an org's endpoints, one delivery per event and endpoint
-- (or per workflow send), and every attempt. Secrets are stored sealed with the Host's Data
-- Protection key ring (ADR 0019): a dump of these tables opens no signature.
create table platform.webhook_endpoints (
    org_id                     uuid        not null,
    id                         uuid        not null,
    url                        text        not null,
    description                text,
    event_types                text[]      not null,
    changed_fields             text[],
    enabled                    boolean     not null default true,
    -- Why the platform switched it off: the receiver answered 410, or it failed for days in a row.
    disabled_reason            text,
    secret_sealed              text        not null,
    previous_secret_sealed     text,
    previous_secret_expires_at timestamptz,
    -- The first failed attempt since the last success: past Webhooks:DisableAfter the endpoint is disabled.
    failing_since              timestamptz,
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now(),
    constraint pk_webhook_endpoints primary key (org_id, id),
    constraint fk_webhook_endpoints_org_id foreign key (org_id) references organizations.organizations (id) on delete cascade,
    constraint ck_webhook_endpoints_url check (length(url) between 10 and 2000 and url ~ '^https?://'),
    constraint ck_webhook_endpoints_description check (length(description) <= 500),
    constraint ck_webhook_endpoints_event_types check (cardinality(event_types) between 1 and 20),
    constraint ck_webhook_endpoints_changed_fields check (cardinality(changed_fields) between 1 and 50),
    constraint ck_webhook_endpoints_disabled_reason check (disabled_reason in ('gone', 'failing')),
    constraint ck_webhook_endpoints_secret_sealed check (secret_sealed not like 'whsec\_%'),
    constraint ck_webhook_endpoints_previous_secret_sealed check ((previous_secret_sealed is null) = (previous_secret_expires_at is null))
);

-- The org's secret for workflow "send webhook" actions, which name a URL rather than an endpoint.
create table platform.webhook_signing_secrets (
    org_id                     uuid        not null,
    secret_sealed              text        not null,
    previous_secret_sealed     text,
    previous_secret_expires_at timestamptz,
    created_at                 timestamptz not null default now(),
    constraint pk_webhook_signing_secrets primary key (org_id),
    constraint fk_webhook_signing_secrets_org_id foreign key (org_id) references organizations.organizations (id) on delete cascade,
    constraint ck_webhook_signing_secrets_secret_sealed check (secret_sealed not like 'whsec\_%'),
    constraint ck_webhook_signing_secrets_previous_secret_sealed check ((previous_secret_sealed is null) = (previous_secret_expires_at is null))
);

-- One message: its id is the webhook-id header, the same on every attempt; payload is the exact body signed and sent.
create table platform.webhook_deliveries (
    org_id          uuid        not null,
    id              uuid        not null,
    endpoint_id     uuid,
    -- A workflow send's URL, sealed like the action's (it may carry the receiver's token).
    url_sealed      text,
    event_id        uuid        not null,
    event_type      text        not null,
    payload         text        not null,
    source          text        not null,
    state           text        not null default 'pending',
    attempts        integer     not null default 0,
    next_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz not null default now(),
    finished_at     timestamptz,
    constraint pk_webhook_deliveries primary key (org_id, id),
    constraint fk_webhook_deliveries_endpoint_id foreign key (org_id, endpoint_id) references platform.webhook_endpoints (org_id, id) on delete cascade,
    constraint ck_webhook_deliveries_source check (source in ('event', 'workflow', 'test')),
    constraint ck_webhook_deliveries_state check (state in ('pending', 'succeeded', 'failed')),
    constraint ck_webhook_deliveries_endpoint_id check ((endpoint_id is null) <> (url_sealed is null)),
    constraint ck_webhook_deliveries_payload check (length(payload) <= 262144)
);
create index ix_webhook_deliveries_endpoint_id on platform.webhook_deliveries (org_id, endpoint_id, created_at desc, id desc);
create index ix_webhook_deliveries_event_id on platform.webhook_deliveries (org_id, event_id);
create index ix_webhook_deliveries_failed on platform.webhook_deliveries (org_id, endpoint_id, finished_at) where state = 'failed';

create table platform.webhook_attempts (
    org_id       uuid        not null,
    id           uuid        not null,
    delivery_id  uuid        not null,
    endpoint_id  uuid,
    event_id     uuid        not null,
    attempt      integer     not null,
    attempted_at timestamptz not null default now(),
    status_code  integer,
    latency_ms   integer     not null,
    -- null: a 2xx; otherwise timeout, connection, address_refused, redirect, client_error, server_error, gone,
    -- rate_limited, endpoint_disabled, no_secret.
    error_class  text,
    constraint pk_webhook_attempts primary key (org_id, id),
    constraint fk_webhook_attempts_delivery_id foreign key (org_id, delivery_id) references platform.webhook_deliveries (org_id, id) on delete cascade
);
create index ix_webhook_attempts_delivery_id on platform.webhook_attempts (org_id, delivery_id);
create index ix_webhook_attempts_endpoint_id on platform.webhook_attempts (org_id, endpoint_id, attempted_at desc, id desc);
create index ix_webhook_attempts_event_id on platform.webhook_attempts (org_id, event_id, attempted_at desc, id desc);

alter table platform.webhook_endpoints enable row level security;
alter table platform.webhook_endpoints force row level security;
alter table platform.webhook_signing_secrets enable row level security;
alter table platform.webhook_signing_secrets force row level security;
alter table platform.webhook_deliveries enable row level security;
alter table platform.webhook_deliveries force row level security;
alter table platform.webhook_attempts enable row level security;
alter table platform.webhook_attempts force row level security;

grant select, insert, delete on platform.webhook_endpoints to opsdash_app;
grant update (url, description, event_types, changed_fields, enabled, disabled_reason, secret_sealed, previous_secret_sealed,
              previous_secret_expires_at, failing_since, updated_at) on platform.webhook_endpoints to opsdash_app;
grant select, insert on platform.webhook_signing_secrets to opsdash_app;
grant update (secret_sealed, previous_secret_sealed, previous_secret_expires_at) on platform.webhook_signing_secrets to opsdash_app;
grant select, insert on platform.webhook_deliveries to opsdash_app;
grant update (state, attempts, next_attempt_at, last_status, last_error, finished_at) on platform.webhook_deliveries to opsdash_app;
grant select, insert on platform.webhook_attempts to opsdash_app;
