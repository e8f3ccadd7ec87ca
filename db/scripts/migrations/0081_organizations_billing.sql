-- Billing with Stripe (issue 20, ADR 0022). A personal org's one subscription row mirrors the user's
-- Stripe subscription as the billing job last fetched it; Stripe events are recorded once; failed
-- payments are kept for operators; the grace period of a past-due subscription is a setting.
alter table organizations.subscriptions drop constraint ck_subscriptions_status;
alter table organizations.subscriptions add constraint ck_subscriptions_status
    check (status in ('active', 'trialing', 'past_due', 'canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused'));
alter table organizations.subscriptions
    add column cancel_at_period_end boolean not null default false,
    -- set when the subscription turns past_due: it keeps its plan until then, Free afterwards
    add column grace_ends_at timestamptz,
    -- the plan in force when it was last audited, so a change is audited once (by the job that saw it)
    add column audited_plan_key text constraint fk_subscriptions_audited_plan_key references organizations.plans (key);
create index subscriptions_audited_plan_key_idx on organizations.subscriptions (audited_plan_key);
-- One Stripe customer per user; a customer is never bound to two users.
create unique index uq_subscriptions_stripe_customer_id on organizations.subscriptions (stripe_customer_id);

-- Settings in the database (README): a DBA changes them with an update.
create table organizations.billing_policy (
    id           boolean  not null default true,
    grace_period interval not null default interval '7 days',
    constraint pk_billing_policy primary key (id),
    constraint ck_billing_policy_id check (id),
    constraint ck_billing_policy_grace_period check (grace_period between interval '0' and interval '60 days')
);
insert into organizations.billing_policy default values;
alter table organizations.billing_policy enable row level security;
alter table organizations.billing_policy force row level security;

-- Each Stripe event id once: a replay or a concurrent duplicate delivery finds the row and does nothing.
-- Written only by organizations.record_stripe_event; no grant to the app role.
create table organizations.stripe_events (
    id          text        not null,
    type        text        not null,
    customer_id text,
    received_at timestamptz not null default now(),
    constraint pk_stripe_events primary key (id),
    constraint ck_stripe_events_id check (id ~ '^evt_[A-Za-z0-9_]{1,200}$')
);
create index stripe_events_received_at_idx on organizations.stripe_events (received_at);
alter table organizations.stripe_events enable row level security;
alter table organizations.stripe_events force row level security;

-- invoice.payment_failed, per event, in the payer's personal org: what operators see on /ops.
create table organizations.payment_failures (
    org_id            uuid        not null,
    id                uuid        not null default gen_random_uuid(),
    stripe_event_id   text        not null,
    stripe_invoice_id text,
    amount_due        bigint,
    currency          text,
    attempt_count     integer,
    failed_at         timestamptz not null default now(),
    constraint pk_payment_failures primary key (org_id, id),
    constraint uq_payment_failures_stripe_event_id unique (stripe_event_id),
    constraint fk_payment_failures_org_id foreign key (org_id) references organizations.organizations (id)
);
create index payment_failures_failed_at_idx on organizations.payment_failures (failed_at);
alter table organizations.payment_failures enable row level security;
alter table organizations.payment_failures force row level security;
